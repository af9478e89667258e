package dev.kiln.core.export;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.predict.PredictionInput;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.train.Hook;
import dev.kiln.train.Resumer;
import dev.kiln.train.WeightsVariant;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a trained model as a self-contained directory ({@code kiln export}): {@code
 * model.safetensors} (the parameters by name), {@code model.json} (an {@link ExportManifest}),
 * {@code preprocessing.json} (the input reader's settings) and, for a classifier, {@code
 * synset.txt} (one class name per line, by label, DJL's convention). The directory appears whole
 * or not at all: it is written beside the target under a temporary name and then renamed.
 */
public final class ModelExporter {

    /** The parameters. */
    public static final String PARAMETERS_FILE = "model.safetensors";

    /** The {@link ExportManifest}. */
    public static final String MANIFEST_FILE = "model.json";

    /** The input reader's settings. */
    public static final String PREPROCESSING_FILE = "preprocessing.json";

    /** The class names. */
    public static final String SYNSET_FILE = "synset.txt";

    /** The resolved config a run directory holds. */
    public static final String CONFIG_FILE = "config.conf";

    private static final Logger LOG = LoggerFactory.getLogger(ModelExporter.class);

    private ModelExporter() {}

    /**
     * Checks that {@code to} can receive an export: it does not exist, or is an empty directory,
     * and its parent is (or can be made) a directory.
     *
     * @param to the export's directory
     * @throws ExportException naming {@code to} and what is wrong
     */
    public static void checkTarget(Path to) {
        if (Files.isRegularFile(to)) {
            throw new ExportException(to + " is a file; --to names the directory to export into");
        }
        if (Files.isDirectory(to)) {
            try (Stream<Path> files = Files.list(to)) {
                if (files.findAny().isPresent()) {
                    throw new ExportException(
                            to + " holds files; export into a new or empty directory");
                }
            } catch (IOException e) {
                throw new ExportException("cannot read " + to + ": " + e.getMessage(), e);
            }
        }
        Path parent = to.toAbsolutePath().getParent();
        for (Path p = parent; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new ExportException(
                            "cannot export into " + to + ": " + p + " is a file, not a directory");
                }
                break;
            }
        }
    }

    /**
     * Describes a run to export as it was trained: the run directory's {@code config.conf}, with
     * nothing to resume from or load before (the checkpoint is restored by {@link #export}), no
     * writers, and, unless a weights variant is exported, no hooks (the checkpoint loader is found
     * among the installed hooks all the same). The caller adds the plugins and the engine.
     *
     * @param run the run directory
     * @param weights {@link ExportManifest#TRAINED}, or the name of a weights variant
     * @return the builder
     * @throws ExportException when {@code run} is not a run directory
     */
    public static KilnRun.Builder runBuilder(Path run, String weights) {
        if (!Files.isDirectory(run)) {
            throw new ExportException(run + ": no such run directory");
        }
        Path config = run.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(config)) {
            throw new ExportException(
                    run + ": not a run directory (it has no " + CONFIG_FILE + ")");
        }
        List<String> overrides = new ArrayList<>();
        overrides.add("kiln.resume=false");
        overrides.add("kiln.weights=null");
        overrides.add("kiln.writers=[]");
        if (weights.equals(ExportManifest.TRAINED)) {
            overrides.add("kiln.hooks=[]");
        }
        return KilnRun.builder()
                .configFiles(List.of(config))
                .overrides(overrides)
                .outputDir(run.toString());
    }

    /**
     * Restores a checkpoint of a run into its set-up trainer and exports the model.
     *
     * @param trainer the run's trainer, set up from the run's {@code config.conf}
     * @param checkpoint the checkpoint's directory, or empty for the newest usable one
     * @param weights {@link ExportManifest#TRAINED}, or the name of a weights variant one of the
     *     run's hooks keeps (such as {@code ema})
     * @param to the export's directory: new, or empty
     * @return what {@code model.json} says
     * @throws ExportException when the run has no checkpoint, the named one is not there, no hook
     *     offers the weights asked for, the run's data cannot describe its inputs, or writing fails
     */
    public static ExportManifest export(
            DefaultTrainer trainer, Optional<Path> checkpoint, String weights, Path to) {
        checkTarget(to);
        trainer.setUp();
        PredictionInput input =
                trainer.predictionInput()
                        .orElseThrow(
                                () ->
                                        new ExportException(
                                                "the dataset "
                                                        + trainer.config()
                                                                .trainData()
                                                                .getString("type")
                                                        + " cannot describe how it reads one"
                                                        + " input, so the run cannot be"
                                                        + " exported"));
        Resumer loader = trainer.checkpointLoader();
        Path source =
                checkpoint.orElseGet(
                        () ->
                                loader.newestCheckpoint()
                                        .orElseThrow(
                                                () ->
                                                        new ExportException(
                                                                trainer.outputDir()
                                                                        + " holds no usable"
                                                                        + " checkpoint to export;"
                                                                        + " train the run first")));
        if (!Files.isDirectory(source)) {
            throw new ExportException(
                    "no checkpoint "
                            + source.getFileName()
                            + " in "
                            + trainer.outputDir()
                            + "; it has "
                            + checkpointNames(trainer.outputDir()));
        }
        long iteration = loader.restore(trainer.trainer(), source);
        WeightsVariant.Swap swap = null;
        if (!weights.equals(ExportManifest.TRAINED)) {
            swap = variant(trainer, weights).swapIn();
        }
        try {
            ExportManifest manifest =
                    new ExportManifest(
                            trainer.config().config().getConfig("kiln.model"),
                            trainer.trainData().exampleShape(),
                            trainer.trainData().classCount(),
                            trainer.outputActivation(),
                            input.reader(),
                            trainer.engine().getEngineName(),
                            source.getFileName().toString(),
                            iteration,
                            weights);
            write(trainer, manifest, input, to);
            LOG.info(
                    "Exported {} ({} weights of checkpoint {}, iteration {}) to {}",
                    manifest.model().getString("type"),
                    weights,
                    manifest.checkpoint(),
                    iteration,
                    to.toAbsolutePath());
            return manifest;
        } finally {
            if (swap != null) {
                swap.close();
            }
        }
    }

    private static WeightsVariant variant(DefaultTrainer trainer, String name) {
        List<String> offered = new ArrayList<>();
        for (Hook hook : trainer.trainer().hooks()) {
            if (hook instanceof WeightsVariant variant) {
                if (variant.variantName().equals(name)) {
                    return variant;
                }
                offered.add(variant.variantName());
            }
        }
        offered.add(0, ExportManifest.TRAINED);
        throw new ExportException(
                "--weights "
                        + name
                        + ": none of the run's hooks keeps such weights; it has "
                        + offered);
    }

    private static void write(
            DefaultTrainer trainer, ExportManifest manifest, PredictionInput input, Path to) {
        Path target = to.toAbsolutePath();
        Path temp = target.resolveSibling(target.getFileName() + ".tmp-export");
        try {
            Files.createDirectories(target.getParent());
            deleteTree(temp);
            Files.createDirectories(temp);
            Map<String, TensorData> parameters = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : trainer.model().getParameters()) {
                parameters.put(p.getKey(), TensorData.of(p.getValue().getArray()));
            }
            try (FileChannel out =
                    FileChannel.open(
                            temp.resolve(PARAMETERS_FILE),
                            StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                SafeTensors.write(parameters, Map.of("format", ExportManifest.FORMAT), out);
                out.force(true);
            }
            Files.writeString(temp.resolve(MANIFEST_FILE), manifest.toJson());
            Files.writeString(
                    temp.resolve(PREPROCESSING_FILE),
                    ConfigValueFactory.fromMap(Map.of("reader", input.reader()))
                                    .toConfig()
                                    .withValue("settings", input.settings().root())
                                    .root()
                                    .render(ConfigRenderOptions.concise().setFormatted(true))
                            + "\n");
            if (manifest.activation() != dev.kiln.loss.OutputActivation.NONE) {
                List<String> names = classNames(input, manifest.outputs());
                Files.write(temp.resolve(SYNSET_FILE), names, StandardCharsets.UTF_8);
            }
            if (Files.isDirectory(target)) {
                Files.delete(target); // checked empty before any work
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
        } catch (IOException e) {
            try {
                deleteTree(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new ExportException("cannot write the export to " + to + ": " + e, e);
        }
    }

    /**
     * @param input the dataset's description
     * @param outputs the number of classes
     * @return the class names by label: the dataset's, or the labels' numbers
     */
    static List<String> classNames(PredictionInput input, int outputs) {
        if (!input.classNames().isEmpty()) {
            return input.classNames();
        }
        return IntStream.range(0, outputs).mapToObj(Integer::toString).toList();
    }

    private static List<String> checkpointNames(Path run) {
        try (Stream<Path> files = Files.list(run)) {
            return files.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
