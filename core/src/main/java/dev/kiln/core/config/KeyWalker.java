package dev.kiln.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.spi.NameSuggester;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks the user's {@code kiln} tree next to the merged defaults and reports keys the defaults do
 * not have (with the nearest known sibling) and values whose type differs from the default's.
 *
 * <p>Open sections are skipped for unknown keys (their known keys are still type-checked): the
 * model section when {@code kiln.model.type} is not {@code mlp}, the loss section when its type is
 * not one of core's, a data section when its type is
 * neither {@code csv} nor {@code train-split}, and the paths in {@link KilnConfig#openSections()}.
 * A test data section of type {@code csv} accepts the keys of {@code kiln.data.train}; one of type
 * {@code train-split} accepts only {@code type}.
 */
final class KeyWalker {

    private static final String TRAIN = "kiln.data.train";
    private static final String TEST = "kiln.data.test";

    /** Core's loss types, whose keys the defaults declare; a plugin's type reads its own. */
    private static final Set<String> CORE_LOSSES =
            Set.of("softmax-cross-entropy", "binary-cross-entropy", "l2", "l1", "smooth-l1");

    private final Config config;
    private final Config reference;
    private final Set<String> openSections;
    private final Map<String, List<String>> sectionSources;
    private final ProblemList problems;

    KeyWalker(KilnConfig kiln, ProblemList problems) {
        this.config = kiln.config();
        this.reference = kiln.reference();
        this.openSections = kiln.openSections();
        this.sectionSources = kiln.sectionSources();
        this.problems = problems;
    }

    /** Walks everything under {@code kiln}. */
    void walk() {
        ConfigValue user = config.root().get("kiln");
        ConfigValue defaults = reference.root().get("kiln");
        if (user == null || defaults == null) {
            return;
        }
        String mismatch = ValueTypes.mismatch(defaults, user);
        if (mismatch != null) {
            problems.add("kiln", user, mismatch);
            return;
        }
        walkObject("kiln", (ConfigObject) user, (ConfigObject) defaults);
    }

    private void walkObject(String path, ConfigObject user, ConfigObject defaults) {
        boolean open = isOpen(path);
        for (String key : new TreeSet<>(user.keySet())) {
            String childPath = path + "." + key;
            ConfigValue value = user.get(key);
            ConfigValue defaultValue = defaults.get(key);
            if (defaultValue == null) {
                if (!open) {
                    problems.add(childPath, value, unknownKeyMessage(path, key, defaults));
                }
                continue;
            }
            String mismatch = ValueTypes.mismatch(defaultValue, value);
            if (mismatch != null) {
                problems.add(childPath, value, mismatch);
                continue;
            }
            if (value.valueType() == ConfigValueType.OBJECT
                    && defaultValue.valueType() == ConfigValueType.OBJECT) {
                walkObject(
                        childPath,
                        (ConfigObject) value,
                        schemaFor(childPath, (ConfigObject) defaultValue));
            } else if (value.valueType() == ConfigValueType.LIST
                    && defaultValue.valueType() == ConfigValueType.LIST) {
                walkElements(childPath, (List<?>) value, (List<?>) defaultValue);
            }
        }
    }

    private void walkElements(String path, List<?> user, List<?> defaults) {
        if (defaults.isEmpty()) {
            return;
        }
        ConfigValue elementDefault = (ConfigValue) defaults.get(0);
        for (int i = 0; i < user.size(); i++) {
            ConfigValue element = (ConfigValue) user.get(i);
            String mismatch = ValueTypes.mismatch(elementDefault, element);
            if (mismatch != null) {
                problems.add(path + "[" + i + "]", element, mismatch);
            }
        }
    }

    /** The defaults to compare a section with; a CSV test set takes the train set's keys. */
    private ConfigObject schemaFor(String path, ConfigObject defaults) {
        if (path.equals(TEST)
                && "csv".equals(typeOf(TEST))
                && reference.hasPath(TRAIN)
                && reference.getValue(TRAIN).valueType() == ConfigValueType.OBJECT) {
            return defaults.withFallback(reference.getObject(TRAIN));
        }
        return defaults;
    }

    private boolean isOpen(String path) {
        if (openSections.contains(path)) {
            return true;
        }
        switch (path) {
            case "kiln.model":
                return !"mlp".equals(typeOf(path));
            case "kiln.loss":
                return !CORE_LOSSES.contains(typeOf(path));
            case TRAIN:
                return !"csv".equals(typeOf(path));
            case TEST:
                String type = typeOf(path);
                return !"csv".equals(type) && !KilnConfig.TRAIN_SPLIT.equals(type);
            default:
                return false;
        }
    }

    /** The section's {@code type} as a string, or null if missing or not a scalar. */
    private String typeOf(String section) {
        String path = section + ".type";
        try {
            return config.hasPath(path) ? config.getString(path) : null;
        } catch (ConfigException e) {
            return null;
        }
    }

    private String unknownKeyMessage(String parentPath, String key, ConfigObject defaults) {
        Optional<String> closest = NameSuggester.closest(key, new TreeSet<>(defaults.keySet()));
        if (closest.isPresent()) {
            return "unknown key; did you mean " + closest.get() + "?";
        }
        if (parentPath.equals(TEST) && KilnConfig.TRAIN_SPLIT.equals(typeOf(TEST))) {
            return "unknown key; a test set of type "
                    + KilnConfig.TRAIN_SPLIT
                    + " takes no other keys";
        }
        StringBuilder message =
                new StringBuilder("unknown key; known keys in ")
                        .append(parentPath)
                        .append(": ")
                        .append(String.join(", ", new TreeSet<>(defaults.keySet())));
        String[] parts = parentPath.split("\\.");
        if (parts.length >= 2 && sectionSources.containsKey(parts[1])) {
            message.append(" (declared in ")
                    .append(String.join(", ", sectionSources.get(parts[1])))
                    .append(")");
        }
        if (parentPath.equals("kiln")) {
            message.append("; if ")
                    .append(key)
                    .append(" belongs to a plugin, ")
                    .append(ConfigValidator.PLUGIN_HINT);
        }
        return message.toString();
    }
}
