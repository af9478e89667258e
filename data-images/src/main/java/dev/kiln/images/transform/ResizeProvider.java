package dev.kiln.images.transform;

import dev.kiln.data.image.ImageTransform;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import java.util.Set;

/**
 * The transform {@code resize}: {@code { type = resize, size = 32 }} scales the shorter side to 32
 * and the longer one in proportion (truncated, as torchvision's {@code Resize(32)}); {@code size =
 * [height, width]} resizes to exactly that. Values are interpolated bilinearly with half-pixel
 * centres and without antialiasing, as PyTorch's {@code interpolate(mode="bilinear",
 * align_corners=False, antialias=False)}: output row {@code d} reads the input at {@code s = max(0,
 * (d + 0.5) * in / out - 0.5)}, mixing rows {@code floor(s)} and {@code min(floor(s) + 1, in - 1)}
 * with weight {@code s - floor(s)} on the second, and the same for columns. An image already of
 * the size is returned as it is.
 */
@KilnExtension(
        name = "resize",
        description = "bilinear resize to [height, width] or of the shorter side")
public final class ResizeProvider implements TransformProvider {

    static final Set<String> KEYS = Set.of("type", "size");

    /** Creates the provider; Kiln does, from the services file. Each entry has its own settings. */
    public ResizeProvider() {}

    @Override
    public ImageTransform create(Settings settings) {
        settings.checkKnownKeys(KEYS);
        int[] size = TransformSettings.size(settings, "size");
        return size.length == 2 ? Resize.to(size[0], size[1]) : Resize.shorterSideTo(size[0]);
    }
}
