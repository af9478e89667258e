package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.typesafe.config.ConfigFactory;
import dev.kiln.core.plugin.ExtensionFactory;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.plugin.RegistryExtensions;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The services file lists every transform, and Kiln's own discovery finds and creates them. */
class TransformDiscoveryTest {

    @Test
    void theServicesFileListsTheSixTransformsByName() {
        List<String> names =
                ServiceLoader.load(TransformProvider.class).stream()
                        .map(p -> p.type().getAnnotation(KilnExtension.class).name())
                        .toList();

        assertThat(names)
                .containsExactlyInAnyOrder(
                        "resize",
                        "center-crop",
                        "random-crop",
                        "random-resized-crop",
                        "random-flip",
                        "normalize");
        assertThat(MapExtensions.ofPlugin().names(ExtensionPoints.TRANSFORM))
                .containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void kilnsRegistryCreatesAListFromTheConfig() {
        ExtensionRegistry registry =
                ExtensionRegistry.discover(
                        List.of(ExtensionPoints.TRANSFORM), getClass().getClassLoader(), List.of());
        Extensions extensions =
                new RegistryExtensions(
                        registry,
                        new ExtensionFactory(Guice.createInjector(), ConfigFactory.empty()));

        TransformList transforms =
                TransformList.create(
                        Settings.of(
                                ConfigFactory.parseString(
                                        "transforms = [{ type = center-crop, size = 2 },"
                                                + " { type = random-flip, p = 1 }]"),
                                "kiln.data.train"),
                        "transforms",
                        extensions);

        assertThat(transforms.outputShape(new ImageShape(1, 4, 4)))
                .isEqualTo(new ImageShape(1, 2, 2));
        // the ramp's centre [[5, 6], [9, 10]], mirrored
        assertThat(transforms.apply(Images.ramp(1, 4, 4), 0L).pixels())
                .containsExactly(6, 5, 10, 9);
    }
}
