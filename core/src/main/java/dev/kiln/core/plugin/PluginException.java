package dev.kiln.core.plugin;

import dev.kiln.spi.KilnExtension;

/**
 * A plugin problem the user has to fix: a file in {@code plugins/} that is not a jar, an extension
 * without {@link KilnExtension}, two extensions with one name, an extension Guice cannot create.
 * The message is one line meant for the user; the cause, if any, carries the details.
 */
public class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, in one line
     */
    public PluginException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, in one line
     * @param cause the underlying failure
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
