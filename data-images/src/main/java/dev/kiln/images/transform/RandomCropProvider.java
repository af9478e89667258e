package dev.kiln.images.transform;

import dev.kiln.data.image.ImageTransform;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import java.util.Set;

/**
 * The transform {@code random-crop}: {@code { type = random-crop, size = 28, padding = 4 }} pads
 * the image with {@code padding} rows and columns of zeros on every side (default 0), then cuts a
 * window of {@code size} (a number for a square, or [height, width]) whose first row and first
 * column are drawn uniformly from every place it fits, as torchvision's {@code RandomCrop(size,
 * padding)}. Each image takes exactly two values from its generator (row, then column). A crop
 * larger than the padded image is an error.
 */
@KilnExtension(
        name = "random-crop",
        description = "a window of [height, width] at a random place, after zero padding")
public final class RandomCropProvider implements TransformProvider {

    static final Set<String> KEYS = Set.of("type", "size", "padding");

    /** Creates the provider; Kiln does, from the services file. Each entry has its own settings. */
    public RandomCropProvider() {}

    @Override
    public ImageTransform create(Settings settings) {
        settings.checkKnownKeys(KEYS);
        int[] size = TransformSettings.squareOrPair(settings, "size");
        int padding = settings.has("padding") ? settings.intAtLeast("padding", 0) : 0;
        return new RandomCrop(settings, size[0], size[1], padding);
    }
}
