package dev.kiln.tensors;

/**
 * A file of tensors cannot be read or written: it is missing, truncated or malformed. The message
 * names the file and what is wrong with it.
 */
public class TensorFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the file
     * @param cause the underlying failure, or null
     */
    public TensorFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what went wrong, naming the file */
    public TensorFileException(String message) {
        super(message);
    }
}
