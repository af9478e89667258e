package dev.kiln.core.plugin;

import dev.kiln.spi.ExtensionPoint;
import dev.kiln.spi.Extensions;
import java.util.Set;

/** {@link Extensions} over the extensions found and the factory that creates them for a run. */
public final class RegistryExtensions implements Extensions {

    private final ExtensionRegistry registry;
    private final ExtensionFactory factory;

    /**
     * @param registry the extensions found
     * @param factory creates them with the run's injections
     */
    public RegistryExtensions(ExtensionRegistry registry, ExtensionFactory factory) {
        this.registry = registry;
        this.factory = factory;
    }

    @Override
    public Set<String> names(ExtensionPoint<?> point) {
        return registry.names(point);
    }

    @Override
    public <T> T create(ExtensionPoint<T> point, String name) {
        return factory.create(registry.require(point, name), point.type());
    }
}
