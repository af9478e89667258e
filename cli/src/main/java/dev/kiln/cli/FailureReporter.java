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
        report(err, message, e, verbose, !(e instanceof CliFailure));
        return code;
    }

    /**
     * Prints {@code kiln: <message>}, then the stack trace with {@code --verbose}, or else, for a
     * failure Kiln did not foresee, how to get it.
     */
    private static void report(
            PrintWriter err, String message, Throwable e, boolean verbose, boolean hint) {
        err.println("kiln: " + message);
        if (verbose) {
            e.printStackTrace(err);
        } else if (hint) {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
    }

    /**
     * Reports that the Java heap is full as one message, exit code 1: how large the heap may grow
     * and how to give it more. By the time the error reaches here the arrays being filled are
     * unreachable, so there is memory again for the message.
     *
     * @param e the error
     * @param err where to report it
     * @param verbose whether to print the stack trace too
     * @return {@link CliFailure#TRAINING_FAILED}
     */
    static int outOfMemory(OutOfMemoryError e, PrintWriter err, boolean verbose) {
        long maxMegabytes = Runtime.getRuntime().maxMemory() >> 20;
        report(
                err,
                "out of memory: the Java heap (at most "
                        + maxMegabytes
                        + " MB) is full ("
                        + e.getMessage()
                        + "); give the JVM more with KILN_JAVA_OPTS=-Xmx8g (more than the data"
                        + " and a batch need), or use less data or a smaller"
                        + " kiln.solver.batch-size",
                e,
                verbose,
                false);
        return CliFailure.TRAINING_FAILED;
    }
}
