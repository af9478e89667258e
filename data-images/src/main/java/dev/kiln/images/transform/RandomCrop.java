package dev.kiln.images.transform;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.Settings;
import java.util.SplittableRandom;

/**
 * Cuts a window of a fixed size at a random place out of an image padded with zeros on every
 * side, as torchvision's {@code RandomCrop(size, padding)}.
 */
final class RandomCrop implements ImageTransform {

    private final Settings settings;
    private final int height;
    private final int width;
    private final int padding;

    /**
     * @param settings the entry, to report a crop larger than the padded image
     * @param height the crop's rows
     * @param width its columns
     * @param padding the zero rows and columns added on each side first
     */
    RandomCrop(Settings settings, int height, int width, int padding) {
        this.settings = settings;
        this.height = height;
        this.width = width;
        this.padding = padding;
    }

    @Override
    public ImageShape outputShape(ImageShape input) {
        long paddedHeight = input.height() + 2L * padding;
        long paddedWidth = input.width() + 2L * padding;
        if (height > paddedHeight || width > paddedWidth) {
            throw settings.problem(
                    "size",
                    "a "
                            + TransformSettings.extent(height, width)
                            + " crop does not fit in a "
                            + TransformSettings.extent(input.height(), input.width())
                            + " image padded by "
                            + padding
                            + " on each side ("
                            + paddedHeight
                            + "x"
                            + paddedWidth
                            + ")");
        }
        return new ImageShape(input.channels(), height, width);
    }

    @Override
    public HostImage apply(HostImage image, SplittableRandom random) {
        ImageShape in = image.shape();
        outputShape(in);
        // two draws always, even when the crop has a single place to go
        long top = Pixels.index(random, in.height() + 2L * padding - height + 1);
        long left = Pixels.index(random, in.width() + 2L * padding - width + 1);
        return Pixels.crop(image, (int) (top - padding), (int) (left - padding), height, width);
    }

    @Override
    public boolean isRandom() {
        return true;
    }

    @Override
    public String toString() {
        return "random-crop("
                + TransformSettings.extent(height, width)
                + ", padding "
                + padding
                + ")";
    }
}
