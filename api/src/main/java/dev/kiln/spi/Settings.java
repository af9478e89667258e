package dev.kiln.spi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * An extension's config section, read with checks that report a bad value the way Kiln reports
 * every config problem: {@code <file>:<line>: <key>: <what is wrong>; <what would be valid>}, a
 * command-line override named as such ({@code command line override 2: kiln.greeter.period: ...}).
 *
 * <p>Every getter throws a {@link SettingsException} for a missing key, a value of the wrong type or
 * one out of range; thrown from an extension's constructor, Kiln prints its message alone and exits
 * with code 2, before training starts.
 *
 * <pre>{@code
 * @Inject
 * public GreeterHook(Config section) {
 *     Settings settings = Settings.of(section, "kiln.greeter");
 *     this.period = settings.intAtLeast("period", 1);
 * }
 * }</pre>
 */
public final class Settings {

    private final Config config;
    private final String path;
    private final Config defaults;
    private final String defaultsPath;

    private Settings(Config config, String path, Config defaults, String defaultsPath) {
        this.config = config;
        this.path = path;
        this.defaults = defaults;
        this.defaultsPath = defaultsPath;
    }

    /**
     * @param section the section, as injected into an extension or read from the whole config
     * @param path its full path for messages, such as {@code kiln.greeter}
     * @return the settings of that section
     */
    public static Settings of(Config section, String path) {
        Config config = section == null ? ConfigFactory.empty() : section;
        return new Settings(config, path, ConfigFactory.empty(), path);
    }

    /**
     * Reads the keys this section does not set from another section, as a model type reads {@code
     * kiln.model} with its own {@code kiln.my-model} (its defaults) below. A problem names the
     * path of the section that supplied the value.
     *
     * @param fallback the section below this one
     * @param fallbackPath its full path, such as {@code kiln.my-model}
     * @return settings reading this section first, then {@code fallback}
     */
    public Settings withDefaults(Config fallback, String fallbackPath) {
        return new Settings(config, path, fallback, fallbackPath);
    }

    /** @return the section itself */
    public Config config() {
        return config;
    }

    /** @return the section's full path, such as {@code kiln.greeter} */
    public String path() {
        return path;
    }

    /**
     * @param key a key of the section, such as {@code period}
     * @return its full path, such as {@code kiln.greeter.period}
     */
    public String fullKey(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * @param key a key of the section
     * @return whether it is set to something other than null
     */
    public boolean has(String key) {
        return config.hasPath(key) || defaults.hasPath(key);
    }

    /**
     * @param key a key of the section
     * @return its sub-section
     * @throws SettingsException if it is missing or not an object
     */
    public Settings section(String key) {
        Config child = read(key, c -> c.getConfig(key), "an object");
        return new Settings(child, pathOf(key), ConfigFactory.empty(), pathOf(key));
    }

    /**
     * @param key a key
     * @return its value as a string
     * @throws SettingsException if it is missing or not a string, number or boolean
     */
    public String string(String key) {
        return read(key, c -> c.getString(key), "a string");
    }

    /**
     * @param key a key
     * @return its value as a list of strings
     * @throws SettingsException if it is missing or not such a list
     */
    public List<String> stringList(String key) {
        return read(key, c -> c.getStringList(key), "a list of strings");
    }

    /**
     * @param key a key
     * @return its value as a list of finite numbers
     * @throws SettingsException if it is missing, not a list of numbers, or holds NaN or infinity
     */
    public List<Double> doubleList(String key) {
        String requirement = "a list of numbers";
        List<Double> values = read(key, c -> c.getDoubleList(key), requirement);
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw problem(key, "must be " + requirement + " but holds " + v);
            }
        }
        return values;
    }

    /**
     * Rejects a key of this section (not of its defaults) that is not among the known ones, naming
     * the closest known key, for a section whose keys no reference config declares (such as one
     * entry of a list).
     *
     * @param known the keys the section may set
     * @throws SettingsException for the first unknown key, in sorted order
     */
    public void checkKnownKeys(Collection<String> known) {
        for (String key : new java.util.TreeSet<>(config.root().keySet())) {
            if (!known.contains(key)) {
                String hint =
                        NameSuggester.closest(key, known)
                                .map(k -> "; did you mean " + k + "?")
                                .orElse("");
                throw problem(
                        key,
                        "unknown key; valid keys: "
                                + String.join(", ", new java.util.TreeSet<>(known))
                                + hint);
            }
        }
    }

    /**
     * @param key a key
     * @return its value as a boolean
     * @throws SettingsException if it is missing or not true or false
     */
    public boolean bool(String key) {
        return read(key, c -> c.getBoolean(key), "true or false");
    }

    /**
     * @param key a key
     * @param min the smallest valid value
     * @return its value
     * @throws SettingsException if it is missing, not a whole number, or below {@code min}
     */
    public int intAtLeast(String key, int min) {
        long value = longAtLeast(key, min);
        if (value > Integer.MAX_VALUE) {
            throw problem(
                    key,
                    "must be a whole number at most " + Integer.MAX_VALUE + " but is " + value);
        }
        return (int) value;
    }

    /**
     * @param key a key
     * @param min the smallest valid value
     * @return its value
     * @throws SettingsException if it is missing, not a whole number, or below {@code min}
     */
    public long longAtLeast(String key, long min) {
        String requirement = "must be a whole number at least " + min;
        double exact = read(key, c -> c.getDouble(key), requirement);
        if (exact != Math.rint(exact) || Double.isInfinite(exact)) {
            throw problem(key, requirement + " but is " + render(key));
        }
        long value = read(key, c -> c.getLong(key), requirement);
        if (value < min) {
            throw problem(key, requirement + " but is " + render(key));
        }
        return value;
    }

    /**
     * @param key a key
     * @return its value
     * @throws SettingsException if it is missing or not a whole number
     */
    public long wholeNumber(String key) {
        String requirement = "must be a whole number";
        double exact = read(key, c -> c.getDouble(key), requirement);
        if (exact != Math.rint(exact) || Double.isInfinite(exact)) {
            throw problem(key, requirement + " but is " + render(key));
        }
        return read(key, c -> c.getLong(key), requirement);
    }

    /**
     * @param key a key
     * @param min the smallest valid value
     * @return its value
     * @throws SettingsException if it is missing, not a finite number, or below {@code min}
     */
    public double doubleAtLeast(String key, double min) {
        String requirement = "must be a number at least " + min;
        double value = number(key, requirement);
        if (!(value >= min)) {
            throw problem(key, requirement + " but is " + render(key));
        }
        return value;
    }

    /**
     * @param key a key
     * @param bound the value it must exceed
     * @return its value
     * @throws SettingsException if it is missing, not a finite number, or not above {@code bound}
     */
    public double greaterThan(String key, double bound) {
        String requirement = "must be a number greater than " + bound;
        double value = number(key, requirement);
        if (!(value > bound)) {
            throw problem(key, requirement + " but is " + render(key));
        }
        return value;
    }

    /**
     * @param key a key
     * @param min the smallest valid value
     * @param max the largest valid value
     * @return its value
     * @throws SettingsException if it is missing, not a finite number, or outside {@code [min,
     *     max]}
     */
    public double between(String key, double min, double max) {
        String requirement = "must be a number in [" + min + ", " + max + "]";
        double value = number(key, requirement);
        if (!(value >= min && value <= max)) {
            throw problem(key, requirement + " but is " + render(key));
        }
        return value;
    }

    /**
     * @param key a key
     * @return its value, a fraction in [0, 1)
     * @throws SettingsException if it is missing, not a number, or outside [0, 1)
     */
    public double fraction(String key) {
        String requirement = "must be a number in [0, 1)";
        double value = number(key, requirement);
        if (!(value >= 0 && value < 1)) {
            throw problem(key, requirement + " but is " + render(key));
        }
        return value;
    }

    /**
     * @param key a key
     * @param valid the valid values
     * @return the value, lower case (compared ignoring case and surrounding space)
     * @throws SettingsException if it is missing or none of {@code valid}
     */
    public String oneOf(String key, Collection<String> valid) {
        String written = string(key);
        String value = written.trim().toLowerCase(Locale.ROOT);
        for (String v : valid) {
            if (v.toLowerCase(Locale.ROOT).equals(value)) {
                return value;
            }
        }
        throw problem(
                key,
                "unknown value \"" + written + "\"; expected one of: " + String.join(", ", valid));
    }

    /**
     * Reports a problem with a key's value, at the place the value was written.
     *
     * @param key a key of the section
     * @param message what is wrong and what would be valid, such as {@code must be at least 1 but
     *     is 0}
     * @return the exception to throw
     */
    public SettingsException problem(String key, String message) {
        Config source = source(key);
        ConfigOrigin origin = source.hasPathOrNull(key) ? source.getValue(key).origin() : null;
        return new SettingsException(location(origin), pathOf(key), message);
    }

    /**
     * Tells where a value was written, as Kiln's messages say it.
     *
     * @param origin a value's origin, may be null
     * @return {@code file:line} for a file, {@code url:line} for a resource, the description for
     *     anything else (such as {@code command line override 2}); null if {@code origin} is null
     */
    public static String location(ConfigOrigin origin) {
        if (origin == null) {
            return null;
        }
        int line = origin.lineNumber();
        String base;
        if (origin.filename() != null) {
            base =
                    origin.filename().startsWith("./")
                            ? origin.filename().substring(2)
                            : origin.filename();
        } else if (origin.url() != null) {
            base = origin.url().toString();
        } else {
            String description = origin.description();
            String suffix = ": " + line;
            if (line >= 0 && description.endsWith(suffix)) {
                return description.substring(0, description.length() - suffix.length());
            }
            return description;
        }
        return line >= 0 ? base + ":" + line : base;
    }

    private double number(String key, String requirement) {
        double value = read(key, c -> c.getDouble(key), requirement);
        if (!Double.isFinite(value)) {
            throw problem(key, requirement + " but is " + render(key));
        }
        return value;
    }

    /** The section that holds a key: this one, else the defaults below it. */
    private Config source(String key) {
        return config.hasPathOrNull(key) || !defaults.hasPathOrNull(key) ? config : defaults;
    }

    /** The full path of a key in the section that holds it. */
    private String pathOf(String key) {
        String base = source(key) == config ? path : defaultsPath;
        return base.isEmpty() ? key : base + "." + key;
    }

    private String render(String key) {
        return source(key).getValue(key).render(ConfigRenderOptions.concise());
    }

    /**
     * Reads a key with a getter; a missing key, or one whose getter fails (wrong type), is
     * reported with {@code requirement} (a phrase such as {@code "a string"} or {@code "must be a
     * whole number at least 1"}).
     */
    private <T> T read(String key, Read<T> read, String requirement) {
        Config source = source(key);
        String expected =
                requirement.startsWith("must be ") ? requirement : "must be " + requirement;
        if (!source.hasPathOrNull(key) || source.getIsNull(key)) {
            // a required value missing is the user's to set, in this section
            throw new SettingsException(
                    config.hasPathOrNull(key) ? location(config.getValue(key).origin()) : null,
                    fullKey(key),
                    "required value missing; it " + expected);
        }
        try {
            return read.get(source);
        } catch (ConfigException e) {
            throw problem(key, expected + " but is " + render(key));
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T get(Config source);
    }
}
