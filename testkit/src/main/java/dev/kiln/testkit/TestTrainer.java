package dev.kiln.testkit;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.train.Hook;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Trains a {@link DefaultTrainer} for a few iterations, the way {@code kiln train} would, for a
 * plugin's tests: the extensions found on the test class path (the plugin's own {@code
 * META-INF/services} entries and {@code reference.conf} included) and in any {@link
 * #plugins(Path) plugin folder} are selected by name, the config is layered and validated as for
 * the command, and the returned {@link TrainedRun} holds the event storage and the run directory.
 *
 * <pre>{@code
 * @TempDir Path tmp;
 *
 * @ParameterizedTest
 * @ValueSource(strings = {"PyTorch", "MXNet"})
 * void writesTheMetrics(String engine) {
 *     TrainedRun run = TestTrainer.in(tmp).engine(engine).iterations(30)
 *             .writers("csv").set("kiln.writer-period", 10).train();
 *     assertThat(run.history("total_loss").count()).isEqualTo(30);
 *     assertThat(run.file("metrics.csv")).exists();
 * }
 * }</pre>
 *
 * <p>The kit's baseline, below every other layer: a tiny built-in dataset (60 rows of {@value
 * TinyDataset#FEATURES} features in {@value TinyDataset#CLASSES} well-separated classes, a quarter
 * held out), an MLP with one hidden layer of 32, batches of 16, 20 iterations (none with {@link
 * #epochs}), no hooks and no
 * writers (unless {@link #withDefaults()}), the run directory {@code <work dir>/output}. Then come the {@link #configFile config
 * files}, then the settings of this builder in the order they are called.
 */
public final class TestTrainer {

    /** The file the kit writes its baseline config to, in the work folder. */
    public static final String DEFAULTS_FILE = "kit-defaults.conf";

    private final Path workDir;
    private final List<String> overrides = new ArrayList<>();
    private final List<Path> configFiles = new ArrayList<>();
    private final List<Path> pluginDirs = new ArrayList<>();
    private final List<Hook> extraHooks = new ArrayList<>();
    private Path data;
    private Path outputDir;
    private boolean defaults;
    private boolean epochs;

    private TestTrainer(Path workDir) {
        this.workDir = workDir.toAbsolutePath().normalize();
    }

    /**
     * Starts describing a run whose files go into a folder, usually a JUnit {@code @TempDir}.
     *
     * @param workDir the folder for the kit's data, its baseline config and the run directory
     * @return a builder with the kit's baseline
     */
    public static TestTrainer in(Path workDir) {
        return new TestTrainer(Objects.requireNonNull(workDir, "workDir"));
    }

    /**
     * @param name {@code PyTorch} or {@code MXNet} ({@code kiln.engine})
     * @return this builder
     */
    public TestTrainer engine(String name) {
        return set("kiln.engine", name);
    }

    /**
     * @param count how many iterations to train ({@code kiln.solver.max-iter})
     * @return this builder
     */
    public TestTrainer iterations(int count) {
        return set("kiln.solver.max-iter", count);
    }

    /**
     * Trains a number of epochs instead of iterations ({@code kiln.solver.max-epochs}); the kit's
     * baseline then leaves out its {@code max-iter}, which would clash with it.
     *
     * @param count how many epochs to train
     * @return this builder
     */
    public TestTrainer epochs(int count) {
        this.epochs = true;
        return set("kiln.solver.max-epochs", count);
    }

    /**
     * @param names the hook extensions to run, in order ({@code kiln.hooks})
     * @return this builder
     */
    public TestTrainer hooks(String... names) {
        return set("kiln.hooks", Arrays.asList(names));
    }

    /**
     * @param names the writer extensions to run, in order ({@code kiln.writers})
     * @return this builder
     */
    public TestTrainer writers(String... names) {
        return set("kiln.writers", Arrays.asList(names));
    }

    /**
     * Adds a hook instance, run after the hooks of {@code kiln.hooks} and before the periodic
     * writer: a probe that records what a plugin does, or a hook under test built by hand.
     *
     * @param hook the hook
     * @return this builder
     */
    public TestTrainer hook(Hook hook) {
        extraHooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /**
     * Sets one key, as {@code KEY=VALUE} on the command line would.
     *
     * @param path a key path such as {@code kiln.hello.period}
     * @param value a string, number, boolean, list or map
     * @return this builder
     */
    public TestTrainer set(String path, Object value) {
        String rendered =
                ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
        return override(path + "=" + rendered);
    }

    /**
     * Adds a {@code KEY=VALUE} override in HOCON syntax, exactly as the command line takes it
     * ({@code kiln.hooks += hello} appends).
     *
     * @param keyValue the override
     * @return this builder
     */
    public TestTrainer override(String keyValue) {
        overrides.add(Objects.requireNonNull(keyValue, "keyValue"));
        return this;
    }

    /**
     * Keeps the default hooks and writers the jars on the class path contribute ({@code
     * kiln-defaults}), instead of the kit's none: to test that an extension is on by default.
     *
     * @return this builder
     */
    public TestTrainer withDefaults() {
        this.defaults = true;
        return this;
    }

    /**
     * Adds several {@code KEY=VALUE} overrides, in order (see {@link #override}).
     *
     * @param keyValues the overrides
     * @return this builder
     */
    public TestTrainer overrides(String... keyValues) {
        for (String keyValue : keyValues) {
            override(keyValue);
        }
        return this;
    }

    /**
     * Adds a config file, above the kit's baseline and below every {@link #set} and {@link
     * #override}.
     *
     * @param file a HOCON file
     * @return this builder
     */
    public TestTrainer configFile(Path file) {
        configFiles.add(Objects.requireNonNull(file, "file"));
        return this;
    }

    /**
     * Trains on a CSV file instead of the built-in data (label in the last column, no header; the
     * other {@code kiln.data.train} keys can be set as usual).
     *
     * @param csv the file
     * @return this builder
     */
    public TestTrainer data(Path csv) {
        this.data = Objects.requireNonNull(csv, "csv").toAbsolutePath();
        return this;
    }

    /**
     * Adds a plugin folder, as {@code --plugins} does: its jars (or the folder itself) get their own
     * class loader.
     *
     * @param dir a folder of plugin jars
     * @return this builder
     */
    public TestTrainer plugins(Path dir) {
        pluginDirs.add(Objects.requireNonNull(dir, "dir"));
        return this;
    }

    /**
     * Sets the run directory, above every other layer, as {@code --output-dir} does.
     *
     * @param dir the run directory; it must be empty or absent
     * @return this builder
     */
    public TestTrainer outputDir(Path dir) {
        this.outputDir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        return this;
    }

    /**
     * Loads and validates the config, builds the trainer, trains, and frees the trainer's arrays
     * and the plugins' class loaders.
     *
     * @return what the run left: its config, its event storage and its run directory
     * @throws dev.kiln.core.config.KilnConfigException when the config is wrong
     * @throws dev.kiln.core.plugin.PluginException when a plugin is broken or cannot be created
     * @throws IllegalStateException when the run directory is not empty
     * @throws RuntimeException whatever training threw
     */
    public TrainedRun train() {
        try (KilnRun run = load()) {
            KilnConfig config = run.config();
            Path runDir = prepareRunDirectory(config.outputDir());
            try (DefaultTrainer trainer = new KitTrainer(config, run.registry(), extraHooks)) {
                trainer.train();
                return new TrainedRun(
                        trainer.config(),
                        trainer.trainer().storage(),
                        runDir,
                        trainer.trainer().iter(),
                        trainer.trainer().hooks());
            }
        }
    }

    /**
     * Finds the extensions and loads and validates the config, as {@link #train()} does, without
     * training: for a test that builds a {@code DefaultTrainer} of its own (to call {@code setUp()}
     * or {@code evaluate()}, or to subclass it). Extra hooks given with {@link #hook} are not part of
     * it.
     *
     * @return the run; the caller closes it
     * @throws dev.kiln.core.config.KilnConfigException when the config is wrong
     * @throws dev.kiln.core.plugin.PluginException when a plugin is broken
     */
    public KilnRun load() {
        List<Path> files = new ArrayList<>();
        files.add(writeDefaults());
        files.addAll(configFiles);
        return KilnRun.builder()
                .pluginDirs(pluginDirs)
                .configFiles(files)
                .overrides(overrides)
                .outputDir(outputDir == null ? null : outputDir.toString())
                .load();
    }

    private Path writeDefaults() {
        Path csv = data != null ? data : TinyDataset.writeTo(workDir.resolve("kit-data/tiny.csv"));
        String text =
                String.join(
                        "\n",
                        "# The test kit's baseline; the test's own settings come after it.",
                        "kiln {",
                        "  output-dir = " + quote(workDir.resolve("output")),
                        "  model { type = mlp, hidden-sizes = [32] }",
                        "  data.train { type = csv, path = "
                                + quote(csv)
                                + ", test-fraction = 0.25 }",
                        epochs
                                ? "  solver { batch-size = 16 }"
                                : "  solver { max-iter = 20, batch-size = 16 }",
                        defaults ? "" : "  hooks = []",
                        defaults ? "" : "  writers = []",
                        "}",
                        "");
        Path file = workDir.resolve(DEFAULTS_FILE);
        try {
            Files.createDirectories(workDir);
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String quote(Path path) {
        return ConfigValueFactory.fromAnyRef(path.toString()).render(ConfigRenderOptions.concise());
    }

    private static Path prepareRunDirectory(Path dir) {
        Path runDir = dir.toAbsolutePath();
        try {
            if (Files.isDirectory(runDir)) {
                try (Stream<Path> entries = Files.list(runDir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalStateException(
                                "the run directory "
                                        + runDir
                                        + " is not empty; give each run its own outputDir(...)");
                    }
                }
            }
            return Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + runDir, e);
        }
    }

    /** A {@link DefaultTrainer} that also runs the kit's hook instances. */
    private static final class KitTrainer extends DefaultTrainer {

        private final List<Hook> extraHooks;

        KitTrainer(KilnConfig config, ExtensionRegistry registry, List<Hook> extraHooks) {
            super(config, registry);
            this.extraHooks = List.copyOf(extraHooks);
        }

        @Override
        protected List<Hook> buildHooks() {
            List<Hook> hooks = new ArrayList<>(super.buildHooks());
            // the periodic writer stays last
            hooks.addAll(hooks.size() - 1, extraHooks);
            return hooks;
        }
    }
}
