package dev.kiln.cli;

import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.plugin.PluginException;
import dev.kiln.core.run.KilnRun;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options that say where a run's config and plugins come from. */
final class RunOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "a HOCON config file; repeat to layer several, later ones win")
    List<Path> configFiles = new ArrayList<>();

    @Option(names = "--engine", paramLabel = "NAME", description = "PyTorch or MXNet")
    String engine;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "the run directory")
    String outputDir;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Parameters(
            paramLabel = "KEY=VALUE",
            description = "config overrides in HOCON syntax, e.g. kiln.solver.max-iter=100 or 'kiln.hooks += hello'")
    List<String> overrides = new ArrayList<>();

    /**
     * Finds plugins, loads and validates the config.
     *
     * @return the run
     * @throws CliFailure with exit code 2 for any problem of the command line, plugins or config
     */
    KilnRun load() {
        for (String override : overrides) {
            if (!override.contains("=")) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "expected KEY=VALUE but got \"" + override + "\"",
                        null);
            }
        }
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

}
