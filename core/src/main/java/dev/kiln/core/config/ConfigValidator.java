package dev.kiln.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.spi.NameSuggester;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a resolved configuration before any work starts and reports every problem at once, each
 * with the file and line of the offending value:
 *
 * <ul>
 *   <li>keys under {@code kiln} that no {@code reference.conf} declares, with the nearest known key
 *       suggested (outside open sections, see below);
 *   <li>values whose type differs from the default's (a whole number where the default is one);
 *   <li>out-of-range values of core keys ({@code max-iter >= 1}, {@code 0 <= dropout < 1}, ...);
 *   <li>extension names no installed extension has, at the keys the {@code reference.conf} files
 *       declare as selectors (see {@link Selectors}), listing the known ones and saying that a
 *       plugin jar may provide it;
 *   <li>an unknown engine; a missing required value ({@code path} of a CSV data section).
 * </ul>
 *
 * <p><b>Open sections.</b> Inside an open section, keys the defaults do not declare are accepted
 * (those they declare are still type-checked). Open are: {@code kiln.model} when its type is not
 * {@code mlp}; {@code kiln.data.train} and {@code kiln.data.test} when their type is not {@code
 * csv} (nor {@code train-split} for the test set); and any path a {@code reference.conf} adds to
 * the top-level list {@code kiln-open-sections}, e.g. {@code kiln-open-sections +=
 * "kiln.my-plugin.params"}.
 */
public final class ConfigValidator {

    /** Where an extension that is not installed may come from, for messages. */
    public static final String PLUGIN_HINT =
            "a plugin jar may provide it: put it into plugins/ or pass --plugins DIR";

    /** The engines checked when {@link Builder#engines} is not called. */
    public static final List<String> DEFAULT_ENGINES = List.of("PyTorch", "MXNet");

    private final List<String> engines;
    private final Map<String, Set<String>> extensionNames;
    private final boolean requireData;

    private ConfigValidator(Builder builder) {
        this.engines = List.copyOf(builder.engines);
        this.requireData = builder.requireData;
        Map<String, Set<String>> names = new LinkedHashMap<>();
        builder.extensionNames.forEach((path, known) -> names.put(path, Set.copyOf(known)));
        this.extensionNames = names;
    }

    /**
     * Starts describing what the validator knows: engines and extension names.
     *
     * @return a builder checking the {@link #DEFAULT_ENGINES} and no extension names
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Finds every problem in a configuration.
     *
     * @param kiln the loaded configuration
     * @return the problems, ordered by key path; empty if the configuration is fine
     */
    public List<ConfigProblem> check(KilnConfig kiln) {
        ProblemList problems = new ProblemList();
        new KeyWalker(kiln, problems).walk();
        Config config = kiln.config();
        if (requireData) {
            checkRequired(config, problems);
        }
        checkEngine(config, problems);
        Map<String, Set<String>> names = new LinkedHashMap<>(extensionNames);
        if (names.containsKey("kiln.data.train.type")) {
            names.putIfAbsent("kiln.data.test.type", names.get("kiln.data.train.type"));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (Selectors.Selector selector : Selectors.of(kiln.reference())) {
            labels.put(selector.key(), selector.label());
        }
        names.forEach(
                (path, known) ->
                        checkNames(
                                config, path, labels.getOrDefault(path, "name"), known, problems));
        new CoreRules(config, problems).check();
        new DeviceRules(kiln, problems).check();
        checkIterationLimit(kiln, problems);
        return problems.sorted();
    }

    /** {@code max-epochs} replaces {@code max-iter}: a run sets one of them, not both. */
    private static void checkIterationLimit(KilnConfig kiln, ProblemList problems) {
        String epochs = "kiln.solver.max-epochs";
        Config config = kiln.config();
        if (config.hasPath(epochs)
                && !problems.reported(epochs)
                && kiln.isExplicit("kiln.solver.max-iter")) {
            problems.add(
                    epochs,
                    config.getValue(epochs),
                    "kiln.solver.max-iter and kiln.solver.max-epochs are both set; set one of"
                            + " them (max-epochs trains ceil(max-epochs x training examples /"
                            + " batch-size) iterations)");
        }
    }

    /**
     * Checks a configuration and throws if anything is wrong.
     *
     * @param kiln the loaded configuration
     * @return the same configuration, for chaining
     * @throws KilnConfigException listing every problem
     */
    public KilnConfig validate(KilnConfig kiln) {
        List<ConfigProblem> problems = check(kiln);
        if (!problems.isEmpty()) {
            throw new KilnConfigException(problems);
        }
        return kiln;
    }

    private static void checkRequired(Config config, ProblemList problems) {
        for (String section : List.of("kiln.data.train", "kiln.data.test")) {
            String typePath = section + ".type";
            if (!problems.reported(typePath)
                    && config.hasPath(typePath)
                    && "csv".equals(config.getValue(typePath).unwrapped())) {
                String path = section + ".path";
                if (problems.reported(path)) {
                    continue;
                }
                if (!config.hasPath(path)) {
                    problems.addMissing(
                            path,
                            "required value missing; set it in a config file or with "
                                    + path
                                    + "=FILE");
                } else {
                    ConfigValue value = config.getValue(path);
                    ConfigValueType type = value.valueType();
                    if (type == ConfigValueType.LIST || type == ConfigValueType.OBJECT) {
                        problems.add(
                                path,
                                value,
                                "expected a string but got " + ValueTypes.describe(value));
                    }
                }
            }
        }
    }

    private void checkEngine(Config config, ProblemList problems) {
        String path = "kiln.engine";
        if (problems.reported(path) || !config.hasPath(path)) {
            return;
        }
        ConfigValue value = config.getValue(path);
        String name = String.valueOf(value.unwrapped());
        boolean known = engines.stream().anyMatch(e -> e.equalsIgnoreCase(name.trim()));
        if (!known) {
            problems.add(
                    path,
                    value,
                    "unknown engine \""
                            + name
                            + "\"; known: "
                            + String.join(", ", new TreeSet<>(engines)));
        }
    }

    private void checkNames(
            Config config, String path, String kind, Set<String> known, ProblemList problems) {
        if (problems.reported(path) || !config.hasPath(path)) {
            return;
        }
        Set<String> accepted = new TreeSet<>(known);
        if (path.equals("kiln.data.test.type")) {
            accepted.add(KilnConfig.TRAIN_SPLIT);
        }
        ConfigValue value = config.getValue(path);
        if (value.valueType() == ConfigValueType.LIST) {
            List<? extends ConfigValue> elements = config.getList(path);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < elements.size(); i++) {
                ConfigValue element = elements.get(i);
                String elementPath = path + "[" + i + "]";
                if (element.valueType() != ConfigValueType.STRING) {
                    problems.add(
                            elementPath,
                            element,
                            "expected a " + kind + " name but got " + ValueTypes.describe(element));
                    continue;
                }
                String name = (String) element.unwrapped();
                if (!seen.add(name)) {
                    problems.add(path, element, kind + " \"" + name + "\" is listed twice");
                } else {
                    checkName(path, element, name, kind, accepted, problems);
                }
            }
        } else if (value.valueType() != ConfigValueType.OBJECT
                && value.valueType() != ConfigValueType.NULL) {
            checkName(path, value, String.valueOf(value.unwrapped()), kind, accepted, problems);
        }
    }

    private static void checkName(
            String path,
            ConfigValue value,
            String name,
            String kind,
            Set<String> known,
            ProblemList problems) {
        if (known.contains(name)) {
            return;
        }
        StringBuilder message =
                new StringBuilder("unknown ").append(kind).append(" \"").append(name).append('"');
        Optional<String> closest = NameSuggester.closest(name, known);
        closest.ifPresent(c -> message.append("; did you mean ").append(c).append('?'));
        message.append("; known: ").append(known.isEmpty() ? "(none)" : String.join(", ", known));
        message.append("; ").append(PLUGIN_HINT);
        problems.add(path, value, message.toString());
    }

    /** Collects what a {@link ConfigValidator} checks against. */
    public static final class Builder {

        private final List<String> engines = new ArrayList<>(DEFAULT_ENGINES);
        private final Map<String, Set<String>> extensionNames = new LinkedHashMap<>();
        private boolean requireData = true;

        private Builder() {}

        /**
         * Sets whether the data sections must name their files, as training needs; prediction
         * with an exported model reads no data. Default true.
         *
         * @param required false to leave the data sections unchecked for missing values
         * @return this builder
         */
        public Builder requireData(boolean required) {
            this.requireData = required;
            return this;
        }

        /**
         * Sets the engine names {@code kiln.engine} may take (compared ignoring case).
         *
         * @param names engine names such as {@code PyTorch}
         * @return this builder
         */
        public Builder engines(List<String> names) {
            engines.clear();
            engines.addAll(names);
            return this;
        }

        /**
         * Sets the extension names a key may hold; keys without a set are not checked. A key may
         * hold a list of names ({@code kiln.hooks}) or one name ({@code kiln.model.type}). For
         * {@code kiln.data.test.type}, {@code train-split} is always accepted too, and the names of
         * {@code kiln.data.train.type} are used when it has no set of its own.
         *
         * @param path the key, such as {@code kiln.hooks}
         * @param names the installed extensions' names
         * @return this builder
         */
        public Builder extensionNames(String path, Set<String> names) {
            extensionNames.put(path, Set.copyOf(names));
            return this;
        }

        /**
         * Sets the extension names of several keys at once (see {@link #extensionNames(String,
         * Set)}).
         *
         * @param namesByPath key to installed extensions' names
         * @return this builder
         */
        public Builder extensionNames(Map<String, ? extends Set<String>> namesByPath) {
            namesByPath.forEach(this::extensionNames);
            return this;
        }

        /**
         * Creates the validator.
         *
         * @return the validator
         */
        public ConfigValidator build() {
            return new ConfigValidator(this);
        }
    }
}
