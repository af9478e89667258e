package dev.kiln.example;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;

/**
 * Reads an extension's settings from the section the user writes them in (such as {@code
 * kiln.model}) with the extension's own defaults section (such as {@code kiln.residual-mlp}) below
 * it, and turns a bad value into one message naming the file, line and key path and what is valid.
 */
final class Settings {

    private final Config primary;
    private final String primaryPath;
    private final Config defaults;
    private final String defaultsPath;

    /**
     * @param primary the section the user sets the keys in; wins over {@code defaults}
     * @param primaryPath its path, for messages
     * @param defaults the extension's own section, holding its defaults
     * @param defaultsPath its path, for messages
     */
    Settings(Config primary, String primaryPath, Config defaults, String defaultsPath) {
        this.primary = primary;
        this.primaryPath = primaryPath;
        this.defaults = defaults;
        this.defaultsPath = defaultsPath;
    }

    /** Settings read from one section only. */
    static Settings of(Config section, String path) {
        return new Settings(section, path, section, path);
    }

    /** @return the whole number at {@code key}, which must be at least {@code min} */
    int intAtLeast(String key, int min) {
        int value;
        try {
            value = source(key).getInt(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad(key, "must be a whole number at least " + min);
        }
        if (value < min || !isWhole(key)) {
            throw bad(key, "must be a whole number at least " + min);
        }
        return value;
    }

    /** @return the whole number at {@code key} */
    long longValue(String key) {
        try {
            if (isWhole(key)) {
                return source(key).getLong(key);
            }
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            // reported below
        }
        throw bad(key, "must be a whole number");
    }

    /** @return the number at {@code key}, which must be greater than {@code bound} */
    double doubleAbove(String key, double bound) {
        double value;
        try {
            value = source(key).getDouble(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad(key, "must be a number greater than " + bound);
        }
        if (!(value > bound) || Double.isInfinite(value)) {
            throw bad(key, "must be a number greater than " + bound);
        }
        return value;
    }

    /** @return the string at {@code key}, not blank */
    String string(String key) {
        String value;
        try {
            value = source(key).getString(key);
        } catch (ConfigException.WrongType e) {
            throw bad(key, "must be a string");
        }
        if (value.isBlank()) {
            throw bad(key, "must not be empty");
        }
        return value;
    }

    private boolean isWhole(String key) {
        Object raw = source(key).getValue(key).unwrapped();
        if (raw instanceof Number number) {
            double d = number.doubleValue();
            return d == Math.rint(d);
        }
        return true; // a string such as "3" is parsed by getInt/getLong themselves
    }

    private Config source(String key) {
        if (primary.hasPath(key)) {
            return primary;
        }
        if (defaults.hasPath(key)) {
            return defaults;
        }
        throw new IllegalArgumentException(
                defaultsPath + "." + key + ": required value missing (is the plugin's"
                        + " reference.conf on the class path?)");
    }

    private IllegalArgumentException bad(String key, String requirement) {
        boolean own = primary.hasPath(key);
        String path = (own ? primaryPath : defaultsPath) + "." + key;
        ConfigValue value = source(key).getValue(key);
        return new IllegalArgumentException(
                where(value.origin()) + ": " + path + ": " + requirement + " but is "
                        + value.render());
    }

    /** {@code file:line} for a file, else the origin's description without its line suffix. */
    static String where(ConfigOrigin origin) {
        if (origin.filename() != null) {
            return origin.filename() + ":" + origin.lineNumber();
        }
        if (origin.url() != null) {
            return origin.url() + ":" + origin.lineNumber();
        }
        return origin.description().replaceFirst(": -?\\d+$", "");
    }
}
