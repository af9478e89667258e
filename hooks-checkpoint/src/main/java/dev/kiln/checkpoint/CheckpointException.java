package dev.kiln.checkpoint;

import dev.kiln.tensors.TensorFileException;

/**
 * A checkpoint could not be saved or loaded: a write failed (a full disk), or a file is missing,
 * truncated, damaged or not what its name says. The message names the checkpoint and the file.
 */
public class CheckpointException extends TensorFileException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the checkpoint and file
     * @param cause the underlying failure, or null
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the checkpoint and file
     */
    public CheckpointException(String message) {
        super(message);
    }
}
