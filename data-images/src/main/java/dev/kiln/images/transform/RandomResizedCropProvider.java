package dev.kiln.images.transform;

import dev.kiln.data.image.ImageTransform;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import java.util.Set;

/**
 * The transform {@code random-resized-crop}: {@code { type = random-resized-crop, size = 224,
 * scale = [0.08, 1.0], ratio = [0.75, 1.3333] }} cuts a window of random area and aspect out of
 * the image and resizes it bilinearly ({@code resize}'s interpolation) to {@code size} (a number
 * for a square, or [height, width]), following torchvision's {@code RandomResizedCrop}:
 *
 * <ol>
 *   <li>up to 10 attempts: the area is {@code H * W * s} with {@code s} uniform in {@code scale},
 *       the aspect (width over height) {@code r = exp(u)} with {@code u} uniform in {@code [ln
 *       ratio[0], ln ratio[1]]}; the window is {@code round(sqrt(area * r))} wide and {@code
 *       round(sqrt(area / r))} high (rounding half to even, as Python); the first that fits in
 *       the image is taken;
 *   <li>its first row is drawn uniformly from {@code [0, H - h]}, its first column from {@code [0,
 *       W - w]};
 *   <li>if no attempt fitted: the whole image, cut to the nearest aspect in {@code ratio} (the
 *       height {@code round(W / ratio[0])} when the image is narrower, the width {@code round(H *
 *       ratio[1])} when wider), centred (offsets rounded down).
 * </ol>
 *
 * <p>Every image takes exactly 22 values from its generator: two per attempt for all 10 attempts
 * (also after one fitted), then the row and the column (also when none fitted).
 */
@KilnExtension(
        name = "random-resized-crop",
        description = "a window of random area and aspect, resized to [height, width]")
public final class RandomResizedCropProvider implements TransformProvider {

    static final Set<String> KEYS = Set.of("type", "size", "scale", "ratio");

    /** Creates the provider; Kiln does, from the services file. Each entry has its own settings. */
    public RandomResizedCropProvider() {}

    @Override
    public ImageTransform create(Settings settings) {
        settings.checkKnownKeys(KEYS);
        int[] size = TransformSettings.squareOrPair(settings, "size");
        double[] scale = TransformSettings.range(settings, "scale", new double[] {0.08, 1.0}, 1.0);
        double[] ratio =
                TransformSettings.range(
                        settings,
                        "ratio",
                        new double[] {3.0 / 4.0, 4.0 / 3.0},
                        Double.POSITIVE_INFINITY);
        return new RandomResizedCrop(size[0], size[1], scale, ratio);
    }
}
