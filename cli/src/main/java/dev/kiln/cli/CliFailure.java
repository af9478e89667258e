package dev.kiln.cli;

import dev.kiln.spi.SettingsException;
import java.util.Optional;

/**
 * A failure the command reports as one message ({@code kiln: <message>}, no stack trace) with its
 * exit code; thrown by a command run through {@link KilnMain#execute}.
 */
public final class CliFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code of a bad command line, config or input. */
    public static final int BAD_INPUT = 2;

    /** Exit code of a training that failed. */
    public static final int TRAINING_FAILED = 1;

    private final int exitCode;

    /**
     * @param exitCode the exit code, such as {@link #BAD_INPUT}
     * @param message what went wrong, where, and what is valid
     * @param cause what was thrown, shown with {@code --verbose}; or null
     */
    public CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /**
     * A bad value in an extension's settings, reported like every other config problem: {@code
     * invalid config:} and the exception's one line, {@code <file>:<line>: <key>: <problem>}.
     *
     * @param e the exception
     * @return the failure, exit code 2
     */
    static CliFailure configError(SettingsException e) {
        return new CliFailure(BAD_INPUT, "invalid config:\n" + e.getMessage(), e);
    }

    /**
     * A failure while building the run (reading data, creating extensions): bad input, exit code 2.
     *
     * @param e what was thrown
     * @return a config error for a {@link SettingsException} anywhere among its causes, else a
     *     failure with the exception's message
     */
    static CliFailure badInput(RuntimeException e) {
        return settingsCause(e)
                .map(CliFailure::configError)
                .orElseGet(() -> new CliFailure(BAD_INPUT, describe(e), e));
    }

    /**
     * @param e what was thrown
     * @return the {@link SettingsException} that is {@code e} or one of its causes
     */
    static Optional<SettingsException> settingsCause(Throwable e) {
        return cause(e, SettingsException.class);
    }

    /**
     * @param e what was thrown
     * @param type the kind of failure looked for
     * @return the failure of that kind that is {@code e} or one of its causes
     */
    static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return Optional.of(type.cast(c));
            }
        }
        return Optional.empty();
    }

    /** @return the message of {@code e}, or its class when it has none */
    static String describe(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
