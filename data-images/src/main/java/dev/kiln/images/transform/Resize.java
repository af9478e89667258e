package dev.kiln.images.transform;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import java.util.SplittableRandom;

/**
 * Resizes an image by bilinear interpolation with half-pixel centres ({@link Pixels#resample}),
 * to a fixed height and width, or with its shorter side to a length and its aspect kept.
 */
final class Resize implements ImageTransform {

    private final int height;
    private final int width;
    private final int shorterSide;

    private Resize(int height, int width, int shorterSide) {
        this.height = height;
        this.width = width;
        this.shorterSide = shorterSide;
    }

    /**
     * @param height the rows of every result
     * @param width its columns
     * @return the transform resizing every image to that size
     */
    static Resize to(int height, int width) {
        return new Resize(height, width, 0);
    }

    /**
     * @param length the length of the shorter side of every result
     * @return the transform scaling the shorter side to {@code length}, the longer side to {@code
     *     (int) (length * longer / shorter)}, as torchvision's {@code Resize(int)}
     */
    static Resize shorterSideTo(int length) {
        return new Resize(0, 0, length);
    }

    @Override
    public ImageShape outputShape(ImageShape input) {
        if (shorterSide == 0) {
            return new ImageShape(input.channels(), height, width);
        }
        int h = input.height();
        int w = input.width();
        if (w <= h) {
            return new ImageShape(input.channels(), scaled(h, w), shorterSide);
        }
        return new ImageShape(input.channels(), shorterSide, scaled(w, h));
    }

    @Override
    public HostImage apply(HostImage image, SplittableRandom random) {
        ImageShape in = image.shape();
        ImageShape out = outputShape(in);
        return Pixels.resample(image, 0, 0, in.height(), in.width(), out.height(), out.width());
    }

    /** The longer side, scaled as the shorter one is, truncated (torchvision's rule). */
    private int scaled(int longer, int shorter) {
        return (int) Math.min(Integer.MAX_VALUE, (double) shorterSide * longer / shorter);
    }

    @Override
    public String toString() {
        return shorterSide == 0
                ? "resize(" + TransformSettings.extent(height, width) + ")"
                : "resize(shorter side " + shorterSide + ")";
    }
}
