package dev.kiln.eval;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;

import java.util.List;
import java.util.Locale;

/**
 * Reads and checks the plugin's settings; a bad value is reported with its full key, what is
 * valid, and the file and line it was written at.
 */
public final class Settings {

    private Settings() {}

    /**
     * @param origin where a value was written, may be null
     * @return {@code " (file:line)"}, or the origin's description, or nothing
     */
    public static String at(ConfigOrigin origin) {
        if (origin == null) {
            return "";
        }
        if (origin.filename() != null && origin.lineNumber() >= 0) {
            return " (" + origin.filename() + ":" + origin.lineNumber() + ")";
        }
        return " (" + origin.description() + ")";
    }

    /**
     * @param section the extension's section
     * @param prefix the section's path, such as {@code kiln.eval}
     * @param key the key
     * @param min the smallest valid value
     * @return the value
     * @throws IllegalArgumentException when it is below {@code min}
     */
    public static long atLeast(Config section, String prefix, String key, long min) {
        long value = section.getLong(key);
        if (value < min) {
            throw new IllegalArgumentException(
                    prefix + "." + key + " must be at least " + min + ", was " + value
                            + at(section.getValue(key).origin()));
        }
        return value;
    }

    /**
     * @param section the extension's section
     * @param prefix the section's path
     * @param key the key
     * @param min the smallest valid value
     * @return the value
     * @throws IllegalArgumentException when it is below {@code min} or not finite
     */
    public static double atLeast(Config section, String prefix, String key, double min) {
        double value = section.getDouble(key);
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    prefix + "." + key + " must be a number of at least " + min + ", was " + value
                            + at(section.getValue(key).origin()));
        }
        return value;
    }

    /**
     * @param section the extension's section
     * @param prefix the section's path
     * @param key the key
     * @param valid the valid values, lower case
     * @return the value, lower case
     * @throws IllegalArgumentException when it is none of {@code valid}
     */
    public static String oneOf(Config section, String prefix, String key, List<String> valid) {
        String value = section.getString(key).trim().toLowerCase(Locale.ROOT);
        if (!valid.contains(value)) {
            throw new IllegalArgumentException(
                    prefix + "." + key + " is \"" + section.getString(key) + "\"; expected one of: "
                            + String.join(", ", valid) + at(section.getValue(key).origin()));
        }
        return value;
    }
}
