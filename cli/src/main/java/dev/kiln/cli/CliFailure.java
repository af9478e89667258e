package dev.kiln.cli;

/** A failure the command reports as one message with its exit code. */
final class CliFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code of a bad command line, config or input. */
    static final int BAD_INPUT = 2;

    /** Exit code of a training that failed. */
    static final int TRAINING_FAILED = 1;

    private final int exitCode;

    CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
