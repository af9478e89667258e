package dev.kiln.core.export;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.kiln.core.plugin.ExtensionFactory;
import dev.kiln.core.plugin.RegistryExtensions;
import dev.kiln.core.run.KilnRun;
import dev.kiln.core.runtime.Devices;
import dev.kiln.core.runtime.Engines;
import dev.kiln.loss.OutputActivation;
import dev.kiln.model.ModelProvider;
import dev.kiln.model.ModelShape;
import dev.kiln.predict.InputReader;
import dev.kiln.predict.InputReaderProvider;
import dev.kiln.predict.NamedInput;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.spi.Extensions;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.tensors.TensorFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model exported by {@code kiln export}, loaded for prediction without a trainer: the model is
 * built by its model extension from {@code model.json}, its parameters come from {@code
 * model.safetensors}, and inputs are read by the input reader extension {@code
 * preprocessing.json} names, exactly as the run's test data were read. Under either engine,
 * whichever the export was trained under.
 *
 * <pre>{@code
 * try (KilnModel model = KilnModel.load(Path.of("exported/digits"));
 *         Predictor<String, Classifications> predictor = model.newPredictor()) {
 *     Classifications result = predictor.predict("0,0,5,13,9,1,0,0, ...");
 *     System.out.println(result.best().getClassName());
 * }
 * }</pre>
 *
 * The model's and the reader's extensions must be on the class path or in the plugin folders
 * given: {@code mlp} and {@code csv} are in kiln-core; {@code cnn}, {@code resnet} and {@code
 * image} are in the plugins kiln-models and kiln-data-images.
 */
public final class KilnModel implements AutoCloseable {

    private final ExportManifest manifest;
    private final List<String> classNames;
    private final InputReader reader;
    private final Model model;
    private final KilnRun run;

    private KilnModel(
            ExportManifest manifest,
            List<String> classNames,
            InputReader reader,
            Model model,
            KilnRun run) {
        this.manifest = manifest;
        this.classNames = classNames;
        this.reader = reader;
        this.model = model;
        this.run = run;
    }

    /**
     * Loads an export under the engine it was trained under, with the extensions of the class
     * path.
     *
     * @param dir the export's directory
     * @return the loaded model
     * @throws ExportException when a file of the export is missing or malformed
     */
    public static KilnModel load(Path dir) {
        return builder(dir).load();
    }

    /**
     * @param dir the export's directory
     * @return a builder to choose the engine and plugin folders
     */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /**
     * @return a predictor of class probabilities for inputs given as text (a CSV row of feature
     *     cells, an image file's path); close it after use
     * @throws IllegalStateException when the model predicts values, not classes
     */
    public Predictor<String, Classifications> newPredictor() {
        if (manifest.activation() == OutputActivation.NONE) {
            throw new IllegalStateException(
                    "the model predicts values, not classes: use newValuePredictor()");
        }
        return model.newPredictor(
                new ClassifyTranslator(reader, manifest.activation(), classNames));
    }

    /**
     * @return a predictor of the model's raw outputs (regression values, or a classifier's
     *     logits) for inputs given as text; close it after use
     */
    public Predictor<String, float[]> newValuePredictor() {
        return model.newPredictor(new ValuesTranslator(reader));
    }

    /**
     * The inputs one argument names, as {@code kiln predict} finds them: each row of a CSV file,
     * each image of a folder, or the argument itself.
     *
     * @param argument a file, a folder or an input's text
     * @return the inputs
     * @throws dev.kiln.predict.InputException when the argument names nothing readable
     */
    public List<NamedInput> inputs(String argument) {
        return reader.expand(argument);
    }

    /**
     * Reads one input as the predictors do, to check it before predicting.
     *
     * @param input an input
     * @return the example's values
     * @throws dev.kiln.predict.InputException naming the input and what is wrong with it
     */
    public float[] read(NamedInput input) {
        return reader.read(input);
    }

    /** @return what {@code model.json} says */
    public ExportManifest manifest() {
        return manifest;
    }

    /** @return the class names by label; empty for a model of values */
    public List<String> classNames() {
        return classNames;
    }

    /** @return the DJL model, for a {@link ai.djl.translate.Translator} of one's own */
    public Model model() {
        return model;
    }

    /** Frees the model's arrays and closes the plugins' class loaders. */
    @Override
    public void close() {
        model.close();
        run.close();
    }

    /** Chooses the engine and the plugin folders of a load. */
    public static final class Builder {
        private final Path dir;
        private String engine;
        private Path defaultPluginDir;
        private List<Path> pluginDirs = List.of();

        private Builder(Path dir) {
            this.dir = dir;
        }

        /**
         * @param name {@code PyTorch} or {@code MXNet}; null for the engine the run trained under
         * @return this builder
         */
        public Builder engine(String name) {
            this.engine = name;
            return this;
        }

        /**
         * @param dir the distribution's {@code plugins/}; may be absent or null
         * @return this builder
         */
        public Builder defaultPluginDir(Path dir) {
            this.defaultPluginDir = dir;
            return this;
        }

        /**
         * @param dirs further plugin folders
         * @return this builder
         */
        public Builder pluginDirs(List<Path> dirs) {
            this.pluginDirs = List.copyOf(dirs);
            return this;
        }

        /**
         * Loads the export.
         *
         * @return the loaded model
         * @throws ExportException when a file of the export is missing, malformed or does not fit
         *     the model it describes
         */
        public KilnModel load() {
            if (!Files.isDirectory(dir)) {
                throw new ExportException(dir + " is not a directory made by kiln export");
            }
            ExportManifest manifest = ExportManifest.read(dir.resolve(ModelExporter.MANIFEST_FILE));
            Config preprocessing = preprocessing(dir.resolve(ModelExporter.PREPROCESSING_FILE));
            List<String> classNames = classNames(manifest);
            String engineName = engine != null ? engine : manifest.engine();
            KilnRun run =
                    KilnRun.builder()
                            .defaultPluginDir(defaultPluginDir)
                            .pluginDirs(pluginDirs)
                            .configFiles(List.of(dir.resolve(ModelExporter.MANIFEST_FILE)))
                            .engine(engineName)
                            .withoutData()
                            .load();
            Model model = null;
            try {
                ExtensionFactory factory = extensionFactory(run);
                InputReader reader =
                        factory.create(
                                        run.registry()
                                                .require(
                                                        ExtensionPoints.INPUT_READER,
                                                        manifest.inputReader()),
                                        InputReaderProvider.class)
                                .create(preprocessing);
                if (!reader.exampleShape().equals(manifest.exampleShape())) {
                    throw new ExportException(
                            dir.resolve(ModelExporter.PREPROCESSING_FILE)
                                    + " gives examples of shape "
                                    + reader.exampleShape()
                                    + ", but the model reads "
                                    + manifest.exampleShape());
                }
                Block block =
                        factory.create(
                                        run.registry()
                                                .require(
                                                        ExtensionPoints.MODEL,
                                                        manifest.model().getString("type")),
                                        ModelProvider.class)
                                .create(
                                        new ModelShape(
                                                manifest.exampleShape(), manifest.outputs()));
                Engine djlEngine = Engines.byName(run.config().engine());
                Device device = Devices.parse(run.config().device(), djlEngine);
                model =
                        Model.newInstance(
                                "kiln-" + manifest.model().getString("type"),
                                device,
                                djlEngine.getEngineName());
                model.setBlock(block);
                block.initialize(
                        model.getNDManager(),
                        DataType.FLOAT32,
                        batchOfOne(manifest.exampleShape()));
                assign(block, dir.resolve(ModelExporter.PARAMETERS_FILE));
                return new KilnModel(manifest, classNames, reader, model, run);
            } catch (RuntimeException e) {
                if (model != null) {
                    model.close();
                }
                run.close();
                throw e;
            }
        }

        /**
         * Creates extensions with what a reader or model may ask for outside a trainer: {@link
         * Extensions}, for the transforms of an image reader, besides the two configs of {@link
         * ExtensionFactory}.
         */
        private static ExtensionFactory extensionFactory(KilnRun run) {
            AtomicReference<ExtensionFactory> factory = new AtomicReference<>();
            Injector injector =
                    Guice.createInjector(
                            new AbstractModule() {
                                @Provides
                                Extensions extensions() {
                                    return new RegistryExtensions(run.registry(), factory.get());
                                }
                            });
            factory.set(new ExtensionFactory(injector, run.config().config()));
            return factory.get();
        }

        private List<String> classNames(ExportManifest manifest) {
            if (manifest.activation() == OutputActivation.NONE) {
                return List.of();
            }
            Path synset = dir.resolve(ModelExporter.SYNSET_FILE);
            List<String> names;
            try {
                names = Files.readAllLines(synset, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ExportException(
                        "cannot read "
                                + synset
                                + ": "
                                + e.getMessage()
                                + "; the export is incomplete",
                        e);
            }
            if (names.size() != manifest.outputs()) {
                throw new ExportException(
                        synset
                                + " names "
                                + names.size()
                                + " classes, but the model has "
                                + manifest.outputs()
                                + " outputs");
            }
            return List.copyOf(names);
        }

        private static Config preprocessing(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new ExportException(file + " does not exist; the export is incomplete");
            }
            try {
                return ExportManifest.parseJson(file).getConfig("settings");
            } catch (ConfigException e) {
                throw new ExportException(file + " is malformed: " + e.getMessage(), e);
            }
        }

        private static void assign(Block block, Path file) {
            Map<String, TensorData> tensors;
            try {
                tensors = SafeTensors.read(file);
            } catch (TensorFileException e) {
                throw new ExportException(e.getMessage(), e);
            }
            Map<String, TensorData> unused = new HashMap<>(tensors);
            List<String> problems = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                TensorData saved = unused.remove(p.getKey());
                NDArray array = p.getValue().getArray();
                if (saved == null) {
                    problems.add(p.getKey() + " is missing");
                } else if (!saved.shape().equals(array.getShape())
                        || saved.dataType() != array.getDataType()) {
                    problems.add(
                            p.getKey()
                                    + " is "
                                    + saved.dataType()
                                    + saved.shape()
                                    + ", the model's is "
                                    + array.getDataType()
                                    + array.getShape());
                } else {
                    try (NDManager temp = array.getManager().newSubManager()) {
                        array.set(new NDIndex("..."), saved.toNDArray(temp));
                    }
                }
            }
            unused.keySet().stream().sorted().forEach(n -> problems.add(n + " is not the model's"));
            if (!problems.isEmpty()) {
                throw new ExportException(
                        file + " does not fit the model model.json describes: " + problems);
            }
        }

        private static Shape batchOfOne(Shape example) {
            long[] dims = new long[example.dimension() + 1];
            dims[0] = 1;
            System.arraycopy(example.getShape(), 0, dims, 1, example.dimension());
            return new Shape(dims);
        }
    }
}
