package dev.kiln.cli;

/**
 * The exit codes of {@code kiln}, as {@code --help} lists them (picocli's {@code key:description}
 * pairs). The codes themselves are {@link CliFailure#TRAINING_FAILED}, {@link
 * CliFailure#BAD_INPUT} and those of {@link StopSignals}.
 */
final class ExitCodes {

    /** The heading of the list in {@code --help}. */
    static final String HEADING = "%nExit codes:%n";

    static final String DONE = "0:done";

    static final String TRAINING_FAILED =
            "1:training failed (a non-finite loss, a failing hook, results that miss"
                    + " kiln.eval.expected-results), or Kiln itself failed";

    static final String FAILED =
            "1:the export or the prediction failed (writing the export, an engine error), or Kiln"
                    + " itself failed";

    static final String BAD_INPUT =
            "2:bad usage, config or input (a bad command line, config file, setting, data file,"
                    + " plugin or kiln.weights)";

    static final String SIGINT =
            "130:stopped by SIGINT (Ctrl-C) after finishing the step and saving a checkpoint;"
                    + " a second signal stops at once";

    static final String SIGTERM =
            "143:stopped by SIGTERM after finishing the step and saving a checkpoint;"
                    + " a second signal stops at once";

    private ExitCodes() {}
}
