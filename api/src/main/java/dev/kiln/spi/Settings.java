package dev.kiln.spi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An extension's config section, read with checks that report a bad value the way Kiln reports
 * every config problem: {@code <file>:<line>: <key>: <what is wrong>; <what would be valid>}, a
 * command-line override named as such ({@code command line override 2: kiln.hello.period: ...}).
 *
 * <p>Every getter throws a {@link SettingsException} for a missing key, a value of the wrong type or
 * one out of range; thrown from an extension's constructor, Kiln prints its message alone and exits
 * with code 2, before training starts.
 *
 * <pre>{@code
 * @Inject
 * public HelloHook(Config section) {
 *     Settings settings = Settings.of(section, "kiln.hello");
 *     this.period = settings.intAtLeast("period", 1);
 * }
 * }</pre>
 */
public final class Settings {

    private final Config config;
    private final String path;

    private Settings(Config config, String path) {
        this.config = config;
        this.path = path;
    }

    /**
     * @param section the section, as injected into an extension or read from the whole config
     * @param path its full path for messages, such as {@code kiln.hello}
     * @return the settings of that section
     */
    public static Settings of(Config section, String path) {
        return new Settings(section == null ? ConfigFactory.empty() : section, path);
    }

    /** @return the section itself */
    public Config config() {
        return config;
    }

    /** @return the section's full path, such as {@code kiln.hello} */
    public String path() {
        return path;
    }

    /**
     * @param key a key of the section, such as {@code period}
     * @return its full path, such as {@code kiln.hello.period}
     */
    public String fullKey(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * @param key a key of the section
     * @return whether it is set to something other than null
     */
    public boolean has(String key) {
        return config.hasPath(key);
    }

    /**
     * @param key a key of the section
     * @return its sub-section
     * @throws SettingsException if it is missing or not an object
     */
    public Settings section(String key) {
        return new Settings(read(key, () -> config.getConfig(key), "an object"), fullKey(key));
    }

    /**
     * @param key a key
     * @return its value as a string
     * @throws SettingsException if it is missing or not a string, number or boolean
     */
    public String string(String key) {
        return read(key, () -> config.getString(key), "a string");
    }

    /**
     * @param key a key
     * @return its value as a list of strings
     * @throws SettingsException if it is missing or not such a list
     */
    public List<String> stringList(String key) {
        return read(key, () -> config.getStringList(key), "a list of strings");
    }

    /**
     * @param key a key
     * @return its value as a boolean
     * @throws SettingsException if it is missing or not true or false
     */
    public boolean bool(String key) {
        return read(key, () -> config.getBoolean(key), "true or false");
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
            throw problem(key, "must be at most " + Integer.MAX_VALUE + " but is " + value);
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
        double exact = read(key, () -> config.getDouble(key), "a whole number");
        if (exact != Math.rint(exact) || Double.isInfinite(exact)) {
            throw problem(key, "expected a whole number but got " + render(key));
        }
        long value = read(key, () -> config.getLong(key), "a whole number");
        if (value < min) {
            throw problem(key, "must be at least " + min + " but is " + value);
        }
        return value;
    }

    /**
     * @param key a key
     * @param min the smallest valid value
     * @return its value
     * @throws SettingsException if it is missing, not a finite number, or below {@code min}
     */
    public double doubleAtLeast(String key, double min) {
        double value = number(key);
        if (!(value >= min)) {
            throw problem(key, "must be at least " + min + " but is " + render(key));
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
        double value = number(key);
        if (!(value > bound)) {
            throw problem(key, "must be greater than " + bound + " but is " + render(key));
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
        double value = number(key);
        if (!(value >= min && value <= max)) {
            throw problem(
                    key, "must be in [" + min + ", " + max + "] but is " + render(key));
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
        ConfigOrigin origin = null;
        if (config.hasPathOrNull(key)) {
            origin = config.getValue(key).origin();
        }
        return new SettingsException(location(origin), fullKey(key), message);
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

    private double number(String key) {
        double value = read(key, () -> config.getDouble(key), "a number");
        if (!Double.isFinite(value)) {
            throw problem(key, "expected a finite number but got " + render(key));
        }
        return value;
    }

    private String render(String key) {
        ConfigValue value = config.getValue(key);
        return String.valueOf(value.unwrapped());
    }

    private <T> T read(String key, Read<T> read, String expected) {
        if (!config.hasPathOrNull(key) || config.getIsNull(key)) {
            throw new SettingsException(
                    Optional.ofNullable(config.hasPathOrNull(key) ? config.getValue(key) : null)
                            .map(v -> location(v.origin()))
                            .orElse(null),
                    fullKey(key),
                    "required value missing; expected " + expected);
        }
        try {
            return read.get();
        } catch (ConfigException e) {
            throw problem(key, "expected " + expected + " but got " + render(key));
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T get();
    }
}
