package dev.kiln.core.export;

/**
 * An export cannot be made or loaded: the run has no checkpoint, the target directory holds files,
 * a file of the export is missing or malformed. The message names the directory or file and what
 * would be valid.
 */
public class ExportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the directory or file */
    public ExportException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the directory or file
     * @param cause the underlying failure
     */
    public ExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
