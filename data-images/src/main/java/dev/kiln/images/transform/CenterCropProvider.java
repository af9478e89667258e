package dev.kiln.images.transform;

import dev.kiln.data.image.ImageTransform;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import java.util.Set;

/**
 * The transform {@code center-crop}: {@code { type = center-crop, size = 24 }} (a square) or
 * {@code size = [height, width]} cuts that window out of the centre, as torchvision's {@code
 * CenterCrop}: the first row is {@code round((H - height) / 2)}, rounding half to even (Python's
 * {@code round}), the first column likewise. A crop larger than the image is an error; it does
 * not pad.
 */
@KilnExtension(
        name = "center-crop",
        description = "cuts a window of [height, width] out of the centre")
public final class CenterCropProvider implements TransformProvider {

    static final Set<String> KEYS = Set.of("type", "size");

    /** Creates the provider; Kiln does, from the services file. Each entry has its own settings. */
    public CenterCropProvider() {}

    @Override
    public ImageTransform create(Settings settings) {
        settings.checkKnownKeys(KEYS);
        int[] size = TransformSettings.squareOrPair(settings, "size");
        return new CenterCrop(settings, size[0], size[1]);
    }
}
