package dev.kiln.images.transform;

import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.ExtensionPoint;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.KilnExtension;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/** {@link Extensions} over a fixed map of transform providers, as a run would install them. */
final class MapExtensions implements Extensions {

    private final Map<String, Supplier<TransformProvider>> transforms = new TreeMap<>();

    /** @return the plugin's six transforms, by the names their annotations give */
    static MapExtensions ofPlugin() {
        MapExtensions extensions = new MapExtensions();
        extensions.add(ResizeProvider::new);
        extensions.add(CenterCropProvider::new);
        extensions.add(RandomCropProvider::new);
        extensions.add(RandomResizedCropProvider::new);
        extensions.add(RandomFlipProvider::new);
        extensions.add(NormalizeProvider::new);
        return extensions;
    }

    private void add(Supplier<TransformProvider> provider) {
        String name = provider.get().getClass().getAnnotation(KilnExtension.class).name();
        transforms.put(name, provider);
    }

    @Override
    public Set<String> names(ExtensionPoint<?> point) {
        return point.equals(ExtensionPoints.TRANSFORM)
                ? new TreeSet<>(transforms.keySet())
                : Set.of();
    }

    @Override
    public <T> T create(ExtensionPoint<T> point, String name) {
        Supplier<TransformProvider> provider =
                point.equals(ExtensionPoints.TRANSFORM) ? transforms.get(name) : null;
        if (provider == null) {
            throw new IllegalArgumentException("no " + point.kind() + " named " + name);
        }
        return point.type().cast(provider.get());
    }
}
