package dev.kiln.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a command throws into one message on standard error and an exit code: a {@link
 * CliFailure} keeps its code, a {@link dev.kiln.spi.SettingsException} (among the causes) is a
 * config error (2), anything else is a failure of Kiln itself (1). The stack trace follows only
 * with {@code --verbose}.
 */
final class FailureReporter implements IExecutionExceptionHandler {

    private final boolean verbose;

    FailureReporter(boolean verbose) {
        this.verbose = verbose;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (!(e instanceof CliFailure)) {
            e = CliFailure.settingsCause(e).<Exception>map(CliFailure::configError).orElse(e);
        }
        int code = CliFailure.TRAINING_FAILED;
        String message;
        if (e instanceof CliFailure failure) {
            code = failure.exitCode();
            message = failure.getMessage();
        } else {
            message = "unexpected failure: " + e;
        }
        err.println("kiln: " + message);
        if (verbose) {
            e.printStackTrace(err);
        } else if (!(e instanceof CliFailure)) {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return code;
    }
}
