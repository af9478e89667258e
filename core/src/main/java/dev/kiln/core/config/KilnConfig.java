package dev.kiln.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.kiln.spi.Settings;
import dev.kiln.train.WeightsSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The resolved configuration of a run, with typed getters for core's keys. Immutable.
 *
 * <p>Built by {@link ConfigLoader}; check it with {@link ConfigValidator} before using the getters
 * (they throw Typesafe Config's exceptions on missing or mistyped values). Plugins read their own
 * section with {@link #section(String)}.
 */
public final class KilnConfig {

    /** The value of {@code kiln.data.test.type} meaning "the rows held out of the train data". */
    public static final String TRAIN_SPLIT = "train-split";

    /** Sections whose reference defaults are those of a built-in type, and that type. */
    private static final Map<String, String> BUILT_IN_TYPES =
            Map.of("kiln.model", "mlp", "kiln.data.train", "csv");

    private static final ConfigRenderOptions RENDER =
            ConfigRenderOptions.defaults().setOriginComments(false).setJson(false);

    private final Config config;
    private final Config reference;
    private final Map<String, List<String>> sectionSources;
    private final Set<String> openSections;

    KilnConfig(
            Config config,
            Config reference,
            Map<String, List<String>> sectionSources,
            Set<String> openSections) {
        this.config = withoutBuiltInDefaults(config, reference);
        this.reference = reference;
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sectionSources.forEach((section, urls) -> sources.put(section, List.copyOf(urls)));
        this.sectionSources = Collections.unmodifiableMap(sources);
        this.openSections = Set.copyOf(openSections);
    }

    /**
     * Leaves out of the sections whose defaults belong to a built-in type ({@code kiln.model} to
     * {@code mlp}, {@code kiln.data.train} to {@code csv}) the values that come from core's
     * reference config, when another type is selected: a plugin's model or dataset then reads its
     * own defaults for keys of the same name ({@code hidden-sizes}, {@code test-fraction}), and
     * the printed config shows only what applies. A value the user wrote stays.
     */
    private static Config withoutBuiltInDefaults(Config config, Config reference) {
        Config out = config;
        for (Map.Entry<String, String> section : BUILT_IN_TYPES.entrySet()) {
            String path = section.getKey();
            if (!out.hasPath(path + ".type")
                    || !reference.hasPath(path)
                    || section.getValue().equals(out.getString(path + ".type"))) {
                continue;
            }
            Config written = out.getConfig(path);
            Config defaults = reference.getConfig(path);
            for (String key : defaults.root().keySet()) {
                ConfigValue value = written.root().get(key);
                if (!key.equals("type")
                        && value != null
                        && sameOrigin(value, defaults.root().get(key))) {
                    out = out.withoutPath(path + "." + ConfigUtil.joinPath(key));
                }
            }
        }
        return out;
    }

    private static boolean sameOrigin(ConfigValue a, ConfigValue b) {
        return Objects.equals(a.origin().url(), b.origin().url())
                && Objects.equals(a.origin().filename(), b.origin().filename())
                && Objects.equals(a.origin().resource(), b.origin().resource())
                && a.origin().lineNumber() == b.origin().lineNumber();
    }

    /**
     * Returns the whole resolved configuration (all layers merged, substitutions resolved).
     *
     * @return the resolved config
     */
    public Config config() {
        return config;
    }

    /**
     * Returns the merged defaults: every {@code reference.conf} of core and the plugins. The
     * validator compares the user's keys against these.
     *
     * @return the reference config, resolved as far as it resolves on its own
     */
    public Config reference() {
        return reference;
    }

    /**
     * Tells which {@code reference.conf} resources declare each top-level section under {@code
     * kiln}, such as {@code model -> [jar:file:/.../kiln-core.jar!/reference.conf]}.
     *
     * @return section name to resource URLs, lowest layer first
     */
    public Map<String, List<String>> sectionSources() {
        return sectionSources;
    }

    /**
     * Returns the paths the plugins declared open ({@code kiln-open-sections} in their {@code
     * reference.conf}): keys inside them are not checked against the defaults.
     *
     * @return paths such as {@code kiln.my-plugin.params}
     */
    public Set<String> openSections() {
        return openSections;
    }

    /**
     * Returns a section as a config of its own, e.g. a plugin's {@code kiln.greeter}.
     *
     * @param path the section's full path, such as {@code kiln.greeter}
     * @return the section
     * @throws com.typesafe.config.ConfigException.Missing if there is no such section
     */
    public Config section(String path) {
        return config.getConfig(path);
    }

    /**
     * Returns the DJL engine name as written ({@code kiln.engine}).
     *
     * @return e.g. {@code PyTorch}
     */
    public String engine() {
        return config.getString("kiln.engine");
    }

    /**
     * Returns the device name ({@code kiln.device}).
     *
     * @return {@code cpu}, {@code gpu} or {@code gpu:N}
     */
    public String device() {
        return config.getString("kiln.device");
    }

    /**
     * Returns the devices one process trains on ({@code kiln.devices}): one replica of the model
     * on each, the first holding the model that is updated.
     *
     * @return the device names, empty when the key is null (the default: {@link #device()} alone)
     */
    public Optional<List<String>> devices() {
        return config.getIsNull("kiln.devices")
                ? Optional.empty()
                : Optional.of(config.getStringList("kiln.devices"));
    }

    /**
     * Returns the run's seed ({@code kiln.seed}).
     *
     * @return the seed
     */
    public long seed() {
        return config.getLong("kiln.seed");
    }

    /**
     * Returns the run directory ({@code kiln.output-dir}).
     *
     * @return the directory, as written (relative paths are relative to the working directory)
     */
    public Path outputDir() {
        return Path.of(config.getString("kiln.output-dir"));
    }

    /**
     * Returns whether to continue from the run directory's last checkpoint ({@code kiln.resume}).
     *
     * @return true to resume
     */
    public boolean resume() {
        return config.getBoolean("kiln.resume");
    }

    /**
     * Returns what to load the initial parameters from ({@code kiln.weights}), if set: a path, or
     * an object with the path and how to match its names, which core passes on to the {@link
     * dev.kiln.train.Resumer} without interpreting.
     *
     * @return the source, its path as written
     * @throws dev.kiln.spi.SettingsException if the value is malformed (the validator reports it
     *     first)
     */
    public Optional<WeightsSource> weights() {
        return WeightsSource.of(config.getConfig("kiln"));
    }

    /**
     * Returns the model extension name ({@code kiln.model.type}).
     *
     * @return e.g. {@code mlp}
     */
    public String modelType() {
        return config.getString("kiln.model.type");
    }

    /**
     * Returns the model section ({@code kiln.model}), with the type's own keys.
     *
     * @return the section
     */
    public Config model() {
        return section("kiln.model");
    }

    /**
     * Returns the training data section ({@code kiln.data.train}).
     *
     * @return the section, with {@code type} and the type's keys
     */
    public Config trainData() {
        return section("kiln.data.train");
    }

    /**
     * Returns the test data section, if the test data is a dataset of its own. When its type is
     * {@code csv}, keys it does not set are taken, all but {@code path}, from {@code
     * kiln.data.train} if that is a CSV too, then from the CSV defaults; so a test CSV shares the
     * train CSV's header, label columns, targets and scaling (a test section that sets its own
     * {@code label-column} and no {@code label-columns} does not inherit the train set's list). A section of another type is given as written:
     * its type reads its own defaults (a test set's files and transforms are its own).
     *
     * @return the section, or empty when {@code kiln.data.test.type} is {@value #TRAIN_SPLIT} (the
     *     test data are the rows held out of the train data)
     */
    public Optional<Config> testData() {
        Config test = section("kiln.data.test");
        String type = test.getString("type");
        if (TRAIN_SPLIT.equals(type)) {
            return Optional.empty();
        }
        Config train = trainData();
        if ("csv".equals(type) && type.equals(train.getString("type"))) {
            Config inherited = train.withoutPath("path");
            if (test.hasPathOrNull("label-column") && !test.hasPathOrNull("label-columns")) {
                // the test set's own label column is not replaced by the train set's list
                inherited = inherited.withoutPath("label-columns");
            }
            test = test.withFallback(inherited);
        }
        if ("csv".equals(type) && reference.hasPath("kiln.data.train")) {
            test = test.withFallback(reference.getConfig("kiln.data.train").withoutPath("path"));
        }
        return Optional.of(test);
    }

    /**
     * Returns the optimizer extension name ({@code kiln.solver.optimizer}).
     *
     * @return e.g. {@code sgd}
     */
    public String optimizer() {
        return config.getString("kiln.solver.optimizer");
    }

    /**
     * Returns the solver section ({@code kiln.solver}).
     *
     * @return the section
     */
    public Config solver() {
        return section("kiln.solver");
    }

    /**
     * Returns the base learning rate ({@code kiln.solver.base-lr}).
     *
     * @return the rate before any schedule
     */
    public double baseLr() {
        return config.getDouble("kiln.solver.base-lr");
    }

    /**
     * Returns the number of iterations to train ({@code kiln.solver.max-iter}).
     *
     * @return at least 1 once validated
     */
    public int maxIter() {
        return config.getInt("kiln.solver.max-iter");
    }

    /**
     * Returns the number of epochs to train instead of {@code max-iter} ({@code
     * kiln.solver.max-epochs}; null by default).
     *
     * @return the epochs, at least 1 once validated; empty when {@code max-iter} applies
     */
    public OptionalInt maxEpochs() {
        return config.getIsNull("kiln.solver.max-epochs")
                ? OptionalInt.empty()
                : OptionalInt.of(config.getInt("kiln.solver.max-epochs"));
    }

    /**
     * Tells whether a key's value was written above the defaults (a config file or an override,
     * even to the default's value), rather than taken from a {@code reference.conf}.
     *
     * @param path a key path such as {@code kiln.solver.max-iter}
     * @return true when the value's origin is not the reference config's
     */
    public boolean isExplicit(String path) {
        if (!config.hasPathOrNull(path)) {
            return false;
        }
        if (!reference.hasPathOrNull(path)) {
            return true;
        }
        return !Objects.equals(
                config.getValue(path).origin().description(),
                reference.getValue(path).origin().description());
    }

    /**
     * Returns this config with {@code kiln.solver.max-iter} set to the count {@code
     * kiln.solver.max-epochs} asks for, and {@code max-epochs} set to null, so that everything
     * reading {@code max-iter} sees the iterations the run trains, and the rendered config loads
     * back to the same run.
     *
     * @param maxIter the derived number of iterations
     * @param how how it was derived, the origin of the new value
     * @return the new config
     */
    public KilnConfig withDerivedMaxIter(int maxIter, String how) {
        Config derived =
                config.withValue(
                                "kiln.solver.max-iter", ConfigValueFactory.fromAnyRef(maxIter, how))
                        .withValue(
                                "kiln.solver.max-epochs", ConfigValueFactory.fromAnyRef(null, how));
        return new KilnConfig(derived, reference, sectionSources, openSections);
    }

    /**
     * Returns the batch size ({@code kiln.solver.batch-size}).
     *
     * @return at least 1 once validated
     */
    public int batchSize() {
        return config.getInt("kiln.solver.batch-size");
    }

    /**
     * Returns over how many micro-batches each iteration accumulates gradients ({@code
     * kiln.solver.accumulate-steps}).
     *
     * @return at least 1, and a divisor of {@link #batchSize()}, once validated
     */
    public int accumulateSteps() {
        return config.getInt("kiln.solver.accumulate-steps");
    }

    /**
     * Returns how many threads decode and transform the examples of a batch ({@code
     * kiln.data.workers}; unset: one per core).
     *
     * @return at least 1 once validated
     */
    public int dataWorkers() {
        return config.getIsNull("kiln.data.workers")
                ? Runtime.getRuntime().availableProcessors()
                : config.getInt("kiln.data.workers");
    }

    /**
     * Returns the names of the extension hooks, in run order ({@code kiln.hooks}).
     *
     * @return hook names; the iteration timer and the periodic writer are not listed
     */
    public List<String> hooks() {
        return List.copyOf(config.getStringList("kiln.hooks"));
    }

    /**
     * Returns the names of the event writers, in order ({@code kiln.writers}).
     *
     * @return writer names such as {@code console}
     */
    public List<String> writers() {
        return List.copyOf(config.getStringList("kiln.writers"));
    }

    /**
     * Returns how often the periodic writer runs ({@code kiln.writer-period}).
     *
     * @return the period in iterations, at least 1 once validated
     */
    public int writerPeriod() {
        return config.getInt("kiln.writer-period");
    }

    /**
     * Tells where each entry of an extension list came from: the default a jar contributed (its
     * {@code reference.conf} and line) or the user's file and line, or the command line.
     *
     * @param path a list of names, such as {@code kiln.hooks}
     * @return each entry with its source, in list order; empty if there is no such list
     */
    public List<Map.Entry<String, String>> listSources(String path) {
        List<Map.Entry<String, String>> sources = new ArrayList<>();
        if (!config.hasPath(path)) {
            return sources;
        }
        for (ConfigValue value : config.getList(path)) {
            String where = Settings.location(value.origin());
            if (where != null && where.contains("!/")) {
                // jar:file:/.../plugins/greeter-1.0.jar!/reference.conf:45 -> the jar's name
                String jar = where.substring(0, where.indexOf("!/"));
                where =
                        "default of "
                                + jar.substring(jar.lastIndexOf('/') + 1)
                                + " ("
                                + where.substring(where.indexOf("!/") + 2)
                                + ")";
            }
            sources.add(Map.entry(String.valueOf(value.unwrapped()), where == null ? "?" : where));
        }
        return sources;
    }

    /**
     * Renders the resolved {@code kiln} subtree as HOCON, for {@code <output-dir>/config.conf}.
     * Loading the text back as a config file gives the same values.
     *
     * @return HOCON text without origin comments
     */
    public String render() {
        return "# The resolved configuration of this run, written by Kiln.\n"
                + config.withOnlyPath("kiln").root().render(RENDER);
    }
}
