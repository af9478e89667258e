package dev.kiln.models;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.Config;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.LoadedData;
import dev.kiln.spi.KilnExtension;
import java.util.Optional;

/** The test dataset {@code tiny-images}: 48 {@link TinyImages}, no held-out part. */
@KilnExtension(name = "tiny-images", description = "48 seeded 1x12x12 images in 3 classes")
public final class TinyImagesProvider implements DatasetProvider {

    @Override
    public LoadedData load(Config section, DataRole role) {
        return new LoadedData(
                new TinyImages(48, 5),
                Optional.empty(),
                new Shape(1, TinyImages.SIZE, TinyImages.SIZE),
                TinyImages.CLASSES);
    }
}
