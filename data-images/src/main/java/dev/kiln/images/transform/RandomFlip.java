package dev.kiln.images.transform;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import java.util.SplittableRandom;

/** Mirrors an image left to right, or top to bottom, with a given probability. */
final class RandomFlip implements ImageTransform {

    private final boolean vertical;
    private final double p;

    /**
     * @param vertical true to mirror top to bottom (the rows' order), false left to right
     * @param p the probability of mirroring, in [0, 1]
     */
    RandomFlip(boolean vertical, double p) {
        this.vertical = vertical;
        this.p = p;
    }

    @Override
    public ImageShape outputShape(ImageShape input) {
        return input;
    }

    @Override
    public HostImage apply(HostImage image, SplittableRandom random) {
        if (!(random.nextDouble() < p)) {
            return image;
        }
        ImageShape shape = image.shape();
        int height = shape.height();
        int width = shape.width();
        float[] source = image.pixels();
        float[] out = new float[source.length];
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < height; y++) {
                int from = image.index(c, vertical ? height - 1 - y : y, 0);
                int to = image.index(c, y, 0);
                if (vertical) {
                    System.arraycopy(source, from, out, to, width);
                } else {
                    for (int x = 0; x < width; x++) {
                        out[to + x] = source[from + width - 1 - x];
                    }
                }
            }
        }
        return new HostImage(shape, out);
    }

    @Override
    public boolean isRandom() {
        return true;
    }

    @Override
    public String toString() {
        return "random-flip(" + (vertical ? "vertical" : "horizontal") + ", p " + p + ")";
    }
}
