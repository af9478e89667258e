package dev.kiln.core.plugin;

import dev.kiln.spi.ExtensionPoint;
import dev.kiln.spi.KilnExtension;
import java.util.Objects;

/**
 * What is known about one extension before it is created: its kind, name and description (from
 * {@link KilnExtension}), its class and where that class came from.
 *
 * @param point the extension point it implements
 * @param name its name, unique within its kind
 * @param description its one-line description, possibly empty
 * @param implementation the implementing class; loaded, never instantiated by discovery
 * @param source the plugin jar's file name ({@code my-plugin.jar}, or {@code folder/a.jar} for a
 *     folder plugin), the jar on the class path it was loaded from, or {@code class path}
 */
public record ExtensionInfo(
        ExtensionPoint<?> point,
        String name,
        String description,
        Class<?> implementation,
        String source) {

    /** Checks that no component is null. */
    public ExtensionInfo {
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(implementation, "implementation");
        Objects.requireNonNull(source, "source");
    }

    /** @return the short kind name, e.g. {@code hook} */
    public String kind() {
        return point.kind();
    }

    /** @return the class and its source, as messages show it: {@code my.jar (com.acme.Hello)} */
    public String origin() {
        return source + " (" + implementation.getName() + ")";
    }

    @Override
    public String toString() {
        return kind() + " \"" + name + "\" from " + origin();
    }
}
