package dev.kiln.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One kind of extension: the interface its implementations implement, and the short kind name
 * listings and messages use ({@code hook}, {@code writer}, {@code model}, …).
 *
 * <p>Implementations are listed in {@code META-INF/services/<type's binary name>}. Kiln's own
 * extension points are listed in {@code dev.kiln.spi.ExtensionPoints}.
 *
 * @param kind the short kind name, lower-case kebab-case
 * @param type the interface implementations implement
 * @param <T> the interface
 */
public record ExtensionPoint<T>(String kind, Class<T> type) {

    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    /** Checks the kind name and that the type is an interface. */
    public ExtensionPoint {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("extension kind must be kebab-case: " + kind);
        }
        if (!type.isInterface()) {
            throw new IllegalArgumentException("an extension point is an interface: " + type);
        }
    }

    /** @return the kind name in plural, for messages ("two hooks are named …") */
    public String plural() {
        return kind + "s";
    }

    /** @return the name of the service file listing implementations */
    public String serviceFile() {
        return "META-INF/services/" + type.getName();
    }

    @Override
    public String toString() {
        return kind + " (" + type.getName() + ")";
    }
}
