package dev.kiln.cli;

import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.plugin.PluginException;
import dev.kiln.core.run.KilnRun;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The options that say where a run's config and plugins come from ({@code --config}, {@code
 * --engine}, {@code --output-dir}, {@code --plugins}, {@code KEY=VALUE} overrides): a picocli
 * mixin of {@code kiln train} and of other commands that start a run, such as the Spark
 * application's, which hand it to {@link DistributedLaunch}.
 */
public final class RunOptions {

    /** The extensions of the files Typesafe Config reads. */
    private static final List<String> CONFIG_EXTENSIONS = List.of(".conf", ".json", ".properties");

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "a HOCON config file; repeat to layer several, later ones win")
    List<Path> configFiles = new ArrayList<>();

    @Option(names = "--engine", paramLabel = "NAME", description = "PyTorch or MXNet")
    String engine;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "the run directory")
    String outputDir;

    @Mixin PluginOptions plugins = new PluginOptions();

    @Parameters(
            paramLabel = "KEY=VALUE",
            description =
                    "config overrides in HOCON syntax, e.g. kiln.solver.max-iter=100 or 'kiln.hooks += hello'")
    List<String> overrides = new ArrayList<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * Adds a config override, above the config files.
     *
     * @param override {@code KEY=VALUE} in HOCON syntax, e.g. {@code kiln.resume=true}
     */
    public void addOverride(String override) {
        overrides.add(override);
    }

    /**
     * Checks that the command line names a config file, before anything is loaded.
     *
     * @throws CliFailure with exit code 2 when no {@code --config} is given, or an argument that
     *     is not {@code KEY=VALUE} (such as a config file given without {@code --config})
     */
    public void requireConfigFile() {
        checkOverrides();
        if (configFiles.isEmpty()) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "no config file given: " + commandName() + " --config FILE [KEY=VALUE ...]",
                    null);
        }
    }

    /**
     * Finds plugins, loads and validates the config.
     *
     * @return the run
     * @throws CliFailure with exit code 2 for any problem of the command line, plugins or config
     */
    KilnRun load() {
        checkOverrides();
        try {
            return KilnRun.builder()
                    .defaultPluginDir(PluginOptions.defaultDir())
                    .pluginDirs(plugins.dirs)
                    .configFiles(configFiles)
                    .overrides(overrides)
                    .engine(engine)
                    .outputDir(outputDir)
                    .load();
        } catch (KilnConfigException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, "invalid config:\n" + e.getMessage(), e);
        } catch (PluginException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, e.getMessage(), e);
        }
    }

    /** Every positional argument must be an override; a config file there is named as such. */
    private void checkOverrides() {
        for (String override : overrides) {
            if (looksLikeConfigFile(override)) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "\""
                                + override
                                + "\" is not a KEY=VALUE override; a config file is given with"
                                + " --config: "
                                + commandName()
                                + " --config "
                                + override,
                        null);
            }
            if (!override.contains("=")) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "expected KEY=VALUE but got \""
                                + override
                                + "\"; a config file is given with --config FILE",
                        null);
            }
        }
    }

    /** A name with a config file's extension and no {@code =}, or a file that exists. */
    private static boolean looksLikeConfigFile(String argument) {
        String lower = argument.toLowerCase(Locale.ROOT);
        boolean named =
                CONFIG_EXTENSIONS.stream().anyMatch(lower::endsWith) && !argument.contains("=");
        try {
            return named || Files.isRegularFile(Path.of(argument));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** @return {@code kiln train} or {@code kiln config}, as the user typed the command */
    private String commandName() {
        return command == null ? "kiln" : command.qualifiedName();
    }
}
