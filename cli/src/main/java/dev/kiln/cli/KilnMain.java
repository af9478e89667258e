package dev.kiln.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The entry point of {@code bin/kiln}. */
public final class KilnMain {

    /** Set when {@code --verbose} is given, before logging starts: stack traces on the console. */
    static final String CONSOLE_EXCEPTIONS = "kiln.console.exceptions";

    /**
     * Where Kiln's own messages to standard error go when {@code bin/kiln} filters what native
     * code writes there (file descriptor 2): the unfiltered descriptor it keeps, {@code /dev/fd/3}.
     */
    static final String STANDARD_ERROR = "kiln.stderr";

    private KilnMain() {}

    /**
     * Runs the command and exits with its code: 0 done, 1 training failed, 2 bad usage, config or
     * input, 130 or 143 stopped by SIGINT or SIGTERM (see {@link ExitCodes}).
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        useStandardError(System.getProperty(STANDARD_ERROR));
        System.exit(run(args));
    }

    private static void useStandardError(String path) {
        // only a terminal or a pipe, as bin/kiln passes: never append to a regular file that
        // happens to hold that descriptor number (a process started without it)
        if (path == null || Files.isRegularFile(Path.of(path))) {
            return;
        }
        try {
            System.setErr(new PrintStream(new FileOutputStream(path, true), true));
        } catch (IOException | SecurityException e) {
            // keep the inherited standard error, filtered or not
        }
    }

    /**
     * Runs the command.
     *
     * @param args the command line
     * @return the exit code
     */
    public static int run(String... args) {
        return execute(new KilnCommand(), args);
    }

    /**
     * Runs a picocli command the way {@code kiln} runs its own: DJL offline, a {@link CliFailure}
     * or a bad command line reported as one line {@code kiln: ...} on standard error with its exit
     * code, any other exception as {@code kiln: unexpected failure: ...} (exit 1), the stack trace
     * only with {@code --verbose}.
     *
     * @param command a picocli command ({@code @Command}), such as the Spark application's
     * @param args the command line
     * @return the exit code
     */
    public static int execute(Object command, String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        if (verbose) {
            System.setProperty(CONSOLE_EXCEPTIONS, "%ex");
        }
        System.setProperty("ai.djl.offline", "true");
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler(new FailureReporter(verbose));
        cli.setParameterExceptionHandler(KilnMain::usageError);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            return FailureReporter.outOfMemory(e, cli.getErr(), verbose);
        }
    }

    /** @return the names of kiln's commands, as {@code train, export, ... or config} */
    static String commandNames(CommandLine cli) {
        java.util.List<String> names = java.util.List.copyOf(cli.getSubcommands().keySet());
        return String.join(", ", names.subList(0, names.size() - 1))
                + " or "
                + names.get(names.size() - 1);
    }

    /**
     * Reports a command line picocli cannot parse as one line, with the options it may have meant,
     * instead of the whole usage text: {@code kiln: Unknown option: '--confg' (did you mean
     * --config?); kiln train --help lists the options}.
     */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        StringBuilder message = new StringBuilder("kiln: ").append(e.getMessage());
        if (e instanceof UnmatchedArgumentException unmatched
                && command.getParent() == null
                && !command.getSubcommands().isEmpty()
                && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-")) {
            message =
                    new StringBuilder("kiln: unknown command \"")
                            .append(unmatched.getUnmatched().get(0))
                            .append("\"; the commands are ")
                            .append(commandNames(command));
            if (!unmatched.getSuggestions().isEmpty()) {
                message.append(" (did you mean ")
                        .append(String.join(" or ", unmatched.getSuggestions()))
                        .append("?)");
            }
        } else if (e instanceof UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            message.append(" (did you mean ")
                    .append(String.join(" or ", unmatched.getSuggestions()))
                    .append("?)");
        }
        message.append("; ")
                .append(command.getCommandSpec().qualifiedName())
                .append(" --help lists the options");
        PrintWriter err = command.getErr();
        err.println(message);
        err.flush();
        return CliFailure.BAD_INPUT;
    }
}
