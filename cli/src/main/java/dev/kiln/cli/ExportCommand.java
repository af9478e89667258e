package dev.kiln.cli;

import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.export.ExportException;
import dev.kiln.core.export.ExportManifest;
import dev.kiln.core.export.ModelExporter;
import dev.kiln.core.plugin.PluginException;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.tensors.TensorFileException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln export}: writes a trained run's model as a self-contained directory (see {@link
 * ModelExporter}) from the run's {@code config.conf} and one of its checkpoints. The run directory
 * is only read. The run's data are read again for what the model reads (the shape, the fitted CSV
 * scaling, the class names), so its data files must still be where training found them.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export a trained run's model as a directory for kiln predict and KilnModel.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.DONE, ExitCodes.FAILED, ExitCodes.BAD_INPUT})
final class ExportCommand implements Callable<Integer> {

    @Option(
            names = "--run",
            required = true,
            paramLabel = "DIR",
            description = "the run directory, as kiln train left it")
    Path run;

    @Option(
            names = "--checkpoint",
            paramLabel = "NAME",
            description = "the checkpoint to export (default: the newest, as --resume would load)")
    String checkpoint;

    @Option(
            names = "--weights",
            paramLabel = "NAME",
            defaultValue = ExportManifest.TRAINED,
            description = "trained (default), or the weights a hook of the run keeps, such as ema")
    String weights;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "DIR",
            description = "the directory to write: new or empty")
    Path to;

    @Option(
            names = "--engine",
            paramLabel = "NAME",
            description = "the engine to read the checkpoint under (default: the run's)")
    String engine;

    @Mixin PluginOptions plugins = new PluginOptions();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        KilnRun.Builder builder;
        try {
            builder = ModelExporter.runBuilder(run, weights);
        } catch (ExportException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, "--run " + e.getMessage(), e);
        }
        if (to.toAbsolutePath().normalize().startsWith(run.toAbsolutePath().normalize())) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "--to "
                            + to
                            + " is inside the run directory "
                            + run
                            + ", which export only reads; choose a directory outside it",
                    null);
        }
        try {
            ModelExporter.checkTarget(to);
        } catch (ExportException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, "--to: " + e.getMessage(), e);
        }
        KilnRun loaded;
        try {
            loaded =
                    builder.defaultPluginDir(PluginOptions.defaultDir())
                            .pluginDirs(plugins.dirs)
                            .engine(engine)
                            .load();
        } catch (KilnConfigException e) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "the run's config is not valid here:\n" + e.getMessage(),
                    e);
        } catch (PluginException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, e.getMessage(), e);
        }
        try (KilnRun r = loaded;
                DefaultTrainer trainer = new DefaultTrainer(r.config(), r.registry())) {
            ExportManifest manifest =
                    ModelExporter.export(
                            trainer,
                            Optional.ofNullable(checkpoint).map(run::resolve),
                            weights,
                            to);
            PrintWriter out = spec.commandLine().getOut();
            out.println(
                    "Exported "
                            + manifest.model().getString("type")
                            + " ("
                            + manifest.weights()
                            + " weights of "
                            + manifest.checkpoint()
                            + ", iteration "
                            + manifest.iteration()
                            + ") to "
                            + to);
            out.flush();
            return 0;
        } catch (ExportException | TensorFileException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, e.getMessage(), e);
        } catch (RuntimeException e) {
            // the run's data, plugins or checkpoints do not give a model to export
            throw CliFailure.badInput(e);
        }
    }
}
