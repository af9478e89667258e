package dev.kiln.predict;

/**
 * An input to predict cannot be used: its message names the input and says what is wrong and what
 * the model reads instead, such as {@code rows.csv:3: 63 values, the model reads 64 features}.
 */
public class InputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message the input and what is wrong with it */
    public InputException(String message) {
        super(message);
    }

    /**
     * @param message the input and what is wrong with it
     * @param cause what reading it threw
     */
    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
