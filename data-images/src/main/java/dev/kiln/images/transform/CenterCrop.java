package dev.kiln.images.transform;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.Settings;
import java.util.SplittableRandom;

/** Cuts the centre window of a fixed size out of an image, as torchvision's {@code CenterCrop}. */
final class CenterCrop implements ImageTransform {

    private final Settings settings;
    private final int height;
    private final int width;

    /**
     * @param settings the entry, to report a crop larger than the image
     * @param height the crop's rows
     * @param width its columns
     */
    CenterCrop(Settings settings, int height, int width) {
        this.settings = settings;
        this.height = height;
        this.width = width;
    }

    @Override
    public ImageShape outputShape(ImageShape input) {
        if (height > input.height() || width > input.width()) {
            throw settings.problem(
                    "size",
                    "a "
                            + TransformSettings.extent(height, width)
                            + " crop does not fit in a "
                            + TransformSettings.extent(input.height(), input.width())
                            + " image (center-crop does not pad; resize first)");
        }
        return new ImageShape(input.channels(), height, width);
    }

    @Override
    public HostImage apply(HostImage image, SplittableRandom random) {
        ImageShape in = image.shape();
        outputShape(in);
        return Pixels.crop(
                image, offset(in.height(), height), offset(in.width(), width), height, width);
    }

    /**
     * torchvision's {@code int(round((size - crop) / 2))}: Python rounds half to even, as {@link
     * Math#rint} does: a margin of 3 rows puts 2 above the crop and 1 below, one of 5 puts 2
     * above and 3 below.
     */
    static int offset(int size, int crop) {
        return (int) Math.rint((size - crop) / 2.0);
    }

    @Override
    public String toString() {
        return "center-crop(" + TransformSettings.extent(height, width) + ")";
    }
}
