package dev.kiln.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What {@code kiln.weights} asks to load before training (fine-tuning), as read from the config: a
 * checkpoint or {@code .safetensors} file, the rules that rename the file's parameter names before
 * they are matched with the model's, and whether any name that does not fit is an error.
 *
 * <p>{@code kiln.weights} is either the path alone ({@code kiln.weights = "run1/model_final"}) or
 * an object:
 *
 * <pre>{@code
 * kiln.weights {
 *   path = "run1/model_final"
 *   rename = [{ from = "^(\\d+)output_", to = "$1old_output_" }]
 *   strict = false
 * }
 * }</pre>
 *
 * <p>The trainer reads it with {@link #of(Config)} and hands it to {@link Resumer#loadWeights}; it
 * does not interpret it further, so what loading means stays with the plugin that loads.
 *
 * @param path the checkpoint directory or {@code .safetensors} file
 * @param rename the rules applied to each name of the file, in order; the first whose {@code from}
 *     is found in a name rewrites it
 * @param strict whether a name missing from the file, one the model lacks or one whose shape
 *     differs is an error instead of being reported and skipped
 * @param location where {@code kiln.weights} was written ({@code file:line}, or {@code command line
 *     override 2}), for messages; null if unknown
 */
public record WeightsSource(Path path, List<Rename> rename, boolean strict, String location) {

    /** The full key. */
    public static final String KEY = "kiln.weights";

    private static final Set<String> KEYS = Set.of("path", "rename", "strict");
    private static final Set<String> RULE_KEYS = Set.of("from", "to");

    /** Copies the list. */
    public WeightsSource {
        rename = List.copyOf(rename);
    }

    /**
     * A source given by its path alone: no renaming, not strict.
     *
     * @param path the checkpoint directory or {@code .safetensors} file
     * @return the source
     */
    public static WeightsSource of(Path path) {
        return new WeightsSource(path, List.of(), false, null);
    }

    /**
     * One renaming rule of {@code kiln.weights.rename}.
     *
     * @param from the regular expression looked for in a name ({@link Matcher#find()})
     * @param to the replacement of every match, in Java's syntax ({@code $1} for the first group)
     * @param key its full key, such as {@code kiln.weights.rename[0]}
     * @param location where {@code from} was written, null if unknown
     */
    public record Rename(Pattern from, String to, String key, String location) {

        /**
         * @param name a name
         * @return whether this rule applies to it
         */
        public boolean matches(String name) {
            return from.matcher(name).find();
        }

        /**
         * Rewrites a name this rule {@link #matches}.
         *
         * @param name the name
         * @return the name with every match of {@code from} replaced by {@code to}
         * @throws SettingsException if {@code to} refers to a group {@code from} does not have, or
         *     is otherwise not a valid replacement
         */
        public String apply(String name) {
            try {
                return from.matcher(name).replaceAll(to);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new SettingsException(
                        location,
                        key + ".to",
                        "invalid replacement \""
                                + to
                                + "\" for \""
                                + from
                                + "\": "
                                + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return key + " { from = \"" + from.pattern() + "\", to = \"" + to + "\" }";
        }
    }

    /**
     * The name a file's parameter is matched with the model's under.
     *
     * @param fileName the name in the file
     * @return the name rewritten by the first rule that matches it, or {@code fileName} when none
     *     does
     */
    public String renamed(String fileName) {
        for (Rename rule : rename) {
            if (rule.matches(fileName)) {
                return rule.apply(fileName);
            }
        }
        return fileName;
    }

    /**
     * Reads {@code kiln.weights} from the whole {@code kiln} section: null or absent, a path, or
     * an object of {@code path}, {@code rename} and {@code strict}.
     *
     * @param kiln the section {@code kiln}
     * @return the source, empty when {@code kiln.weights} is null or absent
     * @throws SettingsException naming the file, line and key of a value that is of the wrong type,
     *     an unknown key, a missing {@code path} or {@code from}, or an invalid regular expression
     */
    public static Optional<WeightsSource> of(Config kiln) {
        if (kiln == null || !kiln.hasPath("weights")) {
            return Optional.empty();
        }
        ConfigValue value = kiln.getValue("weights");
        String location = Settings.location(value.origin());
        Settings settings = Settings.of(kiln, "kiln");
        if (value.valueType() != ConfigValueType.OBJECT) {
            if (value.valueType() == ConfigValueType.LIST) {
                throw settings.problem(
                        "weights",
                        "expected a path or an object { path = ..., rename = [...], strict = ..."
                                + " } but got a list");
            }
            return Optional.of(
                    new WeightsSource(path(settings, "weights"), List.of(), false, location));
        }
        Settings section = settings.section("weights");
        section.checkKnownKeys(KEYS);
        if (!section.has("path")) {
            throw settings.problem(
                    "weights", "the object has no path: set kiln.weights.path to a checkpoint");
        }
        Path path = path(section, "path");
        boolean strict = section.has("strict") && section.bool("strict");
        List<Rename> rules = new ArrayList<>();
        if (section.has("rename")) {
            ConfigValue list = section.config().getValue("rename");
            if (list.valueType() != ConfigValueType.LIST) {
                throw section.problem(
                        "rename",
                        "expected a list of { from = REGEX, to = REPLACEMENT } but got "
                                + list.valueType().name().toLowerCase(Locale.ROOT));
            }
            List<? extends ConfigValue> entries = section.config().getList("rename");
            for (int i = 0; i < entries.size(); i++) {
                rules.add(rule(entries.get(i), KEY + ".rename[" + i + "]"));
            }
        }
        return Optional.of(new WeightsSource(path, rules, strict, location));
    }

    private static Path path(Settings settings, String key) {
        String written = settings.string(key);
        try {
            return Path.of(written);
        } catch (InvalidPathException e) {
            throw settings.problem(key, "not a valid path: " + e.getMessage());
        }
    }

    private static Rename rule(ConfigValue entry, String key) {
        String location = Settings.location(entry.origin());
        if (entry.valueType() != ConfigValueType.OBJECT) {
            throw new SettingsException(
                    location,
                    key,
                    "expected { from = REGEX, to = REPLACEMENT } but got a "
                            + entry.valueType().name().toLowerCase(Locale.ROOT));
        }
        Config object = ((com.typesafe.config.ConfigObject) entry).toConfig();
        Settings settings = Settings.of(object, key);
        settings.checkKnownKeys(RULE_KEYS);
        for (String required : List.of("from", "to")) {
            if (!settings.has(required)) {
                throw new SettingsException(
                        location,
                        key,
                        "has no " + required + "; expected { from = REGEX, to = REPLACEMENT }");
            }
        }
        String regex = settings.string("from");
        String fromLocation = Settings.location(object.getValue("from").origin());
        Pattern from;
        try {
            from = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw settings.problem(
                    "from",
                    "invalid regular expression \""
                            + regex
                            + "\": "
                            + e.getDescription()
                            + " near index "
                            + e.getIndex());
        }
        return new Rename(from, settings.string("to"), key, fromLocation);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
