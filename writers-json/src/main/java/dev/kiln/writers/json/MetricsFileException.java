package dev.kiln.writers.json;

/**
 * A {@code metrics.json} that cannot be continued: a complete line is not a JSON object with a
 * whole-number {@code iteration}. The message names the file and the line.
 */
public final class MetricsFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the file and line
     */
    public MetricsFileException(String message) {
        super(message);
    }
}
