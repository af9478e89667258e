package dev.kiln.core.config;

import com.typesafe.config.ConfigOrigin;
import dev.kiln.spi.Settings;

/** Turns a Typesafe Config origin into the short location users see: {@code file:line}. */
final class Origins {

    private Origins() {}

    /**
     * Describes where a value was written.
     *
     * @param origin the value's origin, may be null
     * @return {@code file:line} for files, {@code url:line} for resources, otherwise the origin's
     *     description without its line suffix (for example {@code command line override 2}); null
     *     if {@code origin} is null
     */
    static String describe(ConfigOrigin origin) {
        return Settings.location(origin);
    }

    /**
     * Removes the description prefix Typesafe Config puts in front of its messages ({@code file: 7:
     * Expecting ...}), since the location is reported separately.
     *
     * @param origin the origin the message refers to, may be null
     * @param message Typesafe Config's message
     * @return the message without its location prefix
     */
    static String stripPrefix(ConfigOrigin origin, String message) {
        if (origin != null) {
            String prefix = origin.description() + ": ";
            if (message.startsWith(prefix)) {
                return message.substring(prefix.length());
            }
        }
        return message;
    }
}
