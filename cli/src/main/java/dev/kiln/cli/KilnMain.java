package dev.kiln.cli;

import picocli.CommandLine;

import java.util.Arrays;

/** The entry point of {@code bin/kiln}. */
public final class KilnMain {

    /** Set when {@code --verbose} is given, before logging starts: stack traces on the console. */
    static final String CONSOLE_EXCEPTIONS = "kiln.console.exceptions";

    private KilnMain() {}

    /**
     * Runs the command and exits with its code: 0 done, 1 training failed, 2 bad usage, config or
     * input.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command.
     *
     * @param args the command line
     * @return the exit code
     */
    public static int run(String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        if (verbose) {
            System.setProperty(CONSOLE_EXCEPTIONS, "%ex");
        }
        System.setProperty("ai.djl.offline", "true");
        CommandLine cli = new CommandLine(new KilnCommand());
        cli.setExecutionExceptionHandler(new FailureReporter(verbose));
        return cli.execute(args);
    }
}
