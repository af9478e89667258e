package dev.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code kiln}: train, list plugins, show the resolved config. */
@Command(
        name = "kiln",
        mixinStandardHelpOptions = true,
        versionProvider = KilnCommand.Version.class,
        subcommands = {
            TrainCommand.class,
            ExportCommand.class,
            PredictCommand.class,
            PluginsCommand.class,
            ConfigCommand.class
        },
        description = "Kiln: a plugin-based training framework on DJL.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            ExitCodes.DONE,
            ExitCodes.TRAINING_FAILED,
            ExitCodes.BAD_INPUT,
            ExitCodes.SIGINT,
            ExitCodes.SIGTERM
        })
public final class KilnCommand implements Runnable {

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "log more, and show stack traces of errors")
    boolean verbose;

    @Override
    public void run() {
        picocli.CommandLine cli = new picocli.CommandLine(this);
        throw new picocli.CommandLine.ParameterException(
                cli, "name a command: " + KilnMain.commandNames(cli));
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KilnCommand.class.getPackage().getImplementationVersion();
            return new String[] {"kiln " + (version == null ? "(development build)" : version)};
        }
    }
}
