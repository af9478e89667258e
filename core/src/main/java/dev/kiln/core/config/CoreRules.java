package dev.kiln.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.core.data.CsvTargets;
import dev.kiln.core.data.FeatureScaling;
import dev.kiln.core.model.Mlp;
import dev.kiln.core.optim.SolverGroups;
import dev.kiln.core.runtime.Devices;
import dev.kiln.spi.SettingsException;
import dev.kiln.train.WeightsSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The value checks on core's keys that a type cannot express: ranges, enumerated words, the device
 * syntax. A key already reported (for instance with the wrong type) is skipped.
 */
final class CoreRules {

    private static final List<String> CLIP_TYPES = List.of("norm", "value");

    /** Core's keys holding whole numbers; a list's elements are named {@code path[]}. */
    private static final List<String> WHOLE_NUMBERS =
            List.of(
                    "kiln.seed",
                    "kiln.solver.max-iter",
                    "kiln.solver.max-epochs",
                    "kiln.solver.batch-size",
                    "kiln.solver.accumulate-steps",
                    "kiln.writer-period",
                    "kiln.data.workers",
                    "kiln.model.hidden-sizes[]",
                    "kiln.data.train.label-column",
                    "kiln.data.train.label-columns[]",
                    "kiln.data.train.split-seed",
                    "kiln.data.test.label-column",
                    "kiln.data.test.label-columns[]",
                    "kiln.data.test.split-seed");

    private static final String TRAIN = "kiln.data.train";
    private static final String TEST = "kiln.data.test";

    private final Config config;
    private final ProblemList problems;

    CoreRules(Config config, ProblemList problems) {
        this.config = config;
        this.problems = problems;
    }

    /**
     * Runs every check on the keys that are present; the model and data checks only apply to the
     * built-in types ({@code mlp}, {@code csv}).
     */
    void check() {
        WHOLE_NUMBERS.forEach(this::wholeNumber);
        device("kiln.device");
        atLeast("kiln.solver.max-iter", 1);
        atLeast("kiln.solver.max-epochs", 1);
        atLeast("kiln.solver.batch-size", 1);
        atLeast("kiln.solver.accumulate-steps", 1);
        dividesBatchSize("kiln.solver.accumulate-steps");
        atLeast("kiln.writer-period", 1);
        atLeast("kiln.data.workers", 1);
        greaterThanZero("kiln.solver.base-lr");
        fraction("kiln.solver.momentum");
        notNegative("kiln.solver.weight-decay");
        oneOf("kiln.solver.clip-gradients.type", CLIP_TYPES);
        greaterThanZero("kiln.solver.clip-gradients.value");
        solverPatterns();
        weights();
        if ("mlp".equals(stringAt("kiln.model.type"))) {
            fraction("kiln.model.dropout");
            oneOf("kiln.model.activation", Mlp.activationNames());
            positiveElements("kiln.model.hidden-sizes");
        }
        for (String section : List.of(TRAIN, TEST)) {
            if ("csv".equals(stringAt(section + ".type"))) {
                oneOf(section + ".scaling", scalingNames());
                oneOf(section + ".targets", CsvTargets.names());
                if (section.equals(TRAIN)) {
                    fraction(section + ".test-fraction");
                }
                labelColumns(section);
            }
        }
    }

    /**
     * Checks a CSV section's {@code label-columns}, its own or, for a test set, the train set's it
     * inherits, against its {@code targets}: a list of whole numbers, not empty, none twice, and
     * only one for {@code classes}. Whether the indices fit the file is known once it is read.
     */
    private void labelColumns(String section) {
        String columnsPath = labelColumnsPath(section);
        if (columnsPath == null || problems.reported(columnsPath)) {
            return;
        }
        String targetsPath = targetsPath(section);
        CsvTargets targets = targetsPath == null ? CsvTargets.CLASSES : targetsAt(targetsPath);
        ConfigValue value = config.getValue(columnsPath);
        if (!columnsPath.startsWith(section + ".")) {
            // inherited from the train set, which is checked on its own: only its targets differ
            if (targets == CsvTargets.CLASSES
                    && targetsPath != null
                    && targetsPath.startsWith(section + ".")
                    && value.valueType() == ConfigValueType.LIST
                    && config.getList(columnsPath).size() > 1) {
                problems.add(
                        targetsPath,
                        config.getValue(targetsPath),
                        "classes takes one label column, but "
                                + section
                                + " inherits "
                                + config.getList(columnsPath).size()
                                + " from "
                                + columnsPath
                                + "; use values or multi-label, or set "
                                + section
                                + ".label-column");
            }
            return;
        }
        if (value.valueType() != ConfigValueType.LIST) {
            problems.add(
                    columnsPath,
                    value,
                    "expected a list of column indices, such as [0, 1], but got "
                            + ValueTypes.describe(value));
            return;
        }
        List<? extends ConfigValue> elements = config.getList(columnsPath);
        List<Long> columns = new ArrayList<>();
        boolean whole = true;
        for (int i = 0; i < elements.size(); i++) {
            ConfigValue element = elements.get(i);
            String elementPath = columnsPath + "[" + i + "]";
            boolean numeric =
                    element.valueType() == ConfigValueType.NUMBER
                            || element.valueType() == ConfigValueType.STRING;
            if (!numeric && !problems.reported(elementPath)) {
                problems.add(
                        elementPath,
                        element,
                        "expected a whole number but got " + ValueTypes.describe(element));
            }
            if (problems.reported(elementPath)) {
                whole = false;
            } else {
                columns.add(new BigDecimal(String.valueOf(element.unwrapped()).trim()).longValue());
            }
        }
        if (!whole) {
            return;
        }
        String problem = (targets == null ? CsvTargets.VALUES : targets).columnsProblem(columns);
        if (problem != null) {
            problems.add(columnsPath, value, problem);
        }
    }

    /**
     * The path that holds a CSV section's label columns: its own {@code label-columns}, or for a
     * test set that sets neither it nor {@code label-column}, the train set's when that is a CSV;
     * null when {@code label-column} applies.
     */
    private String labelColumnsPath(String section) {
        String own = section + ".label-columns";
        if (config.hasPathOrNull(own)) {
            return config.getIsNull(own) ? null : own;
        }
        if (section.equals(TEST)
                && !config.hasPathOrNull(TEST + ".label-column")
                && "csv".equals(stringAt(TRAIN + ".type"))
                && config.hasPath(TRAIN + ".label-columns")) {
            return TRAIN + ".label-columns";
        }
        return null;
    }

    /**
     * The path that holds a CSV section's targets: its own, or for a test set the train set's when
     * that is a CSV; null for the default, classes.
     */
    private String targetsPath(String section) {
        String own = section + ".targets";
        if (config.hasPath(own)) {
            return own;
        }
        return section.equals(TEST) && "csv".equals(stringAt(TRAIN + ".type"))
                ? TRAIN + ".targets"
                : null;
    }

    /** The targets at a path, or null if that value is reported or unknown. */
    private CsvTargets targetsAt(String path) {
        String name = stringAt(path);
        if (name == null || problems.reported(path)) {
            return null;
        }
        try {
            return CsvTargets.fromName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Checks the patterns of {@code kiln.solver.freeze} and the entries of {@code
     * kiln.solver.param-groups}, so that {@code kiln config} reports them too; whether the
     * patterns leave anything to train is known once the model is built.
     */
    private void solverPatterns() {
        for (String key : List.of("freeze", "param-groups")) {
            String path = "kiln.solver." + key;
            if (problems.reported(path)
                    || !config.hasPath(path)
                    || config.getValue(path).valueType() != ConfigValueType.LIST) {
                continue;
            }
            Config solver = config.getConfig("kiln.solver");
            try {
                if (key.equals("freeze")) {
                    SolverGroups.freezePatterns(solver);
                } else {
                    SolverGroups.paramGroups(solver);
                }
            } catch (SettingsException e) {
                problems.add(e);
            }
        }
    }

    /**
     * Checks the form of {@code kiln.weights} (a path, or an object of a path, renaming rules with
     * valid regular expressions and a strictness), so that {@code kiln config} reports it too;
     * whether the file exists and fits the model is for the plugin that loads it.
     */
    private void weights() {
        if (problems.reported(WeightsSource.KEY) || !config.hasPath(WeightsSource.KEY)) {
            return;
        }
        try {
            WeightsSource.of(config.getConfig("kiln"));
        } catch (SettingsException e) {
            problems.add(e);
        }
    }

    private void wholeNumber(String path) {
        if (path.endsWith("[]")) {
            String listPath = path.substring(0, path.length() - 2);
            if (!problems.reported(listPath)
                    && config.hasPath(listPath)
                    && config.getValue(listPath).valueType() == ConfigValueType.LIST) {
                List<? extends ConfigValue> elements = config.getList(listPath);
                for (int i = 0; i < elements.size(); i++) {
                    wholeNumber(listPath + "[" + i + "]", elements.get(i));
                }
            }
        } else if (!problems.reported(path) && config.hasPath(path)) {
            wholeNumber(path, config.getValue(path));
        }
    }

    private void wholeNumber(String path, ConfigValue value) {
        boolean numeric =
                value.valueType() == ConfigValueType.NUMBER
                        || value.valueType() == ConfigValueType.STRING;
        if (numeric && !problems.reported(path) && !ValueTypes.isWholeNumber(value)) {
            problems.add(
                    path, value, "expected a whole number but got " + ValueTypes.describe(value));
        }
    }

    private void device(String path) {
        String spec = stringAt(path);
        if (spec == null) {
            return;
        }
        try {
            Devices.parseSyntax(spec);
        } catch (IllegalArgumentException e) {
            problems.add(
                    path,
                    config.getValue(path),
                    "invalid device \"" + spec + "\"; expected one of: " + Devices.VALID_FORMS);
        }
    }

    private void atLeast(String path, long min) {
        Double value = numberAt(path);
        if (value == null) {
            return;
        }
        if (value < min) {
            report(path, "must be at least " + min);
        } else if (value > Integer.MAX_VALUE) {
            report(path, "must be at most " + Integer.MAX_VALUE);
        }
    }

    /**
     * Checks that the number at {@code path} splits {@code kiln.solver.batch-size} into equal
     * parts; skipped when either is absent or already reported.
     */
    private void dividesBatchSize(String path) {
        String batchPath = "kiln.solver.batch-size";
        Double parts = numberAt(path);
        Double batch = numberAt(batchPath);
        if (parts == null || batch == null || problems.reported(path)) {
            return;
        }
        long k = parts.longValue();
        long size = batch.longValue();
        if (size % k != 0) {
            problems.add(
                    path,
                    config.getValue(path),
                    "must divide "
                            + batchPath
                            + " ("
                            + size
                            + ") into equal micro-batches but is "
                            + k);
        }
    }

    private void greaterThanZero(String path) {
        Double value = numberAt(path);
        if (value != null && !(value > 0)) {
            report(path, "must be greater than 0");
        }
    }

    private void notNegative(String path) {
        Double value = numberAt(path);
        if (value != null && !(value >= 0)) {
            report(path, "must be at least 0");
        }
    }

    private void fraction(String path) {
        Double value = numberAt(path);
        if (value != null && !(value >= 0 && value < 1)) {
            report(path, "must be in [0, 1)");
        }
    }

    private void oneOf(String path, List<String> allowed) {
        String value = stringAt(path);
        if (value == null) {
            return;
        }
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        if (allowed.stream().noneMatch(a -> a.toLowerCase(Locale.ROOT).equals(wanted))) {
            problems.add(
                    path,
                    config.getValue(path),
                    "unknown value \""
                            + value
                            + "\"; expected one of: "
                            + String.join(", ", allowed));
        }
    }

    private void positiveElements(String path) {
        if (problems.reported(path) || !config.hasPath(path)) {
            return;
        }
        ConfigValue list = config.getValue(path);
        if (list.valueType() != ConfigValueType.LIST) {
            return;
        }
        List<? extends ConfigValue> elements = config.getList(path);
        for (int i = 0; i < elements.size(); i++) {
            ConfigValue element = elements.get(i);
            String elementPath = path + "[" + i + "]";
            if (element.valueType() == ConfigValueType.NUMBER
                    && !problems.reported(elementPath)
                    && ((Number) element.unwrapped()).doubleValue() < 1) {
                problems.add(
                        elementPath,
                        element,
                        "must be at least 1 but is " + ValueTypes.render(element));
            }
        }
    }

    private void report(String path, String requirement) {
        ConfigValue value = config.getValue(path);
        problems.add(path, value, requirement + " but is " + ValueTypes.render(value));
    }

    /** The number at a path, or null if absent, already reported or not a number. */
    private Double numberAt(String path) {
        if (problems.reported(path) || !config.hasPath(path)) {
            return null;
        }
        try {
            return config.getDouble(path);
        } catch (ConfigException e) {
            return null;
        }
    }

    /** The scalar at a path as a string, or null if absent, already reported or not a scalar. */
    private String stringAt(String path) {
        if (problems.reported(path) || !config.hasPath(path)) {
            return null;
        }
        try {
            return config.getString(path);
        } catch (ConfigException e) {
            return null;
        }
    }

    private static List<String> scalingNames() {
        return Arrays.stream(FeatureScaling.values())
                .map(FeatureScaling::configName)
                .collect(Collectors.toList());
    }
}
