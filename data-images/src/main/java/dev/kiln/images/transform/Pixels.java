package dev.kiln.images.transform;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import java.util.SplittableRandom;

/** The pixel work the transforms share: cropping, bilinear resampling, uniform draws. */
final class Pixels {

    private Pixels() {}

    /**
     * Cuts a window out of an image; where the window lies outside the image its values are 0
     * (zero padding).
     *
     * @param image the image, not modified
     * @param top the window's first row, may be negative
     * @param left its first column, may be negative
     * @param height its rows
     * @param width its columns
     * @return a new image of the window, or {@code image} itself when the window is the image
     */
    static HostImage crop(HostImage image, int top, int left, int height, int width) {
        ImageShape in = image.shape();
        if (top == 0 && left == 0 && height == in.height() && width == in.width()) {
            return image;
        }
        ImageShape shape = new ImageShape(in.channels(), height, width);
        float[] source = image.pixels();
        float[] out = new float[shape.size()];
        // the part of the window inside the image: columns [x0, x1) of the window
        int x0 = Math.max(0, -left);
        int x1 = Math.min(width, in.width() - left);
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < height; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= in.height() || x0 >= x1) {
                    continue;
                }
                System.arraycopy(
                        source,
                        image.index(c, sy, left + x0),
                        out,
                        (c * height + y) * width + x0,
                        x1 - x0);
            }
        }
        return new HostImage(shape, out);
    }

    /**
     * Resamples a window of an image to another size by bilinear interpolation with half-pixel
     * centres, as PyTorch's {@code interpolate(mode="bilinear", align_corners=False,
     * antialias=False)}: output row {@code d} reads the window at {@code s = max(0, (d + 0.5) *
     * in / out - 0.5)}, between rows {@code floor(s)} and {@code min(floor(s) + 1, in - 1)} with
     * weight {@code s - floor(s)} on the second; the same for columns. Computed in double, stored
     * as float.
     *
     * @param image the image, not modified
     * @param top the window's first row, inside the image
     * @param left its first column, inside the image
     * @param height its rows, the window inside the image
     * @param width its columns, the window inside the image
     * @param outHeight the rows of the result
     * @param outWidth the columns of the result
     * @return a new image, or {@code image} itself when the window is the whole image at its size
     */
    static HostImage resample(
            HostImage image,
            int top,
            int left,
            int height,
            int width,
            int outHeight,
            int outWidth) {
        if (height == outHeight && width == outWidth) {
            return crop(image, top, left, height, width); // the weights are 0: a plain copy
        }
        Axis rows = new Axis(height, outHeight);
        Axis columns = new Axis(width, outWidth);
        int channels = image.shape().channels();
        ImageShape shape = new ImageShape(channels, outHeight, outWidth);
        float[] source = image.pixels();
        float[] out = new float[shape.size()];
        int i = 0;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outHeight; y++) {
                int row0 = image.index(c, top + rows.first[y], left);
                int row1 = image.index(c, top + rows.second[y], left);
                double wy = rows.weight[y];
                for (int x = 0; x < outWidth; x++) {
                    int x0 = columns.first[x];
                    int x1 = columns.second[x];
                    double wx = columns.weight[x];
                    double upper = (1 - wx) * source[row0 + x0] + wx * source[row0 + x1];
                    double lower = (1 - wx) * source[row1 + x0] + wx * source[row1 + x1];
                    out[i++] = (float) ((1 - wy) * upper + wy * lower);
                }
            }
        }
        return new HostImage(shape, out);
    }

    /**
     * Draws a whole number uniformly from [0, bound) with exactly one value of the generator,
     * whatever the bound ({@code floor(nextDouble() * bound)}).
     *
     * @param random the generator
     * @param bound the number of outcomes, at least 1
     * @return the outcome
     */
    static long index(SplittableRandom random, long bound) {
        return index(random.nextDouble(), bound);
    }

    /**
     * Maps a value drawn uniformly from [0, 1) to a whole number uniformly from [0, bound).
     *
     * @param uniform the value, {@code nextDouble()} of a generator
     * @param bound the number of outcomes, at least 1
     * @return {@code floor(uniform * bound)}, at most {@code bound - 1}
     */
    static long index(double uniform, long bound) {
        return Math.min(bound - 1, (long) (uniform * bound));
    }

    /** Where each output position of one axis reads the input, and with which weight. */
    private static final class Axis {
        final int[] first;
        final int[] second;
        final double[] weight;

        Axis(int in, int out) {
            first = new int[out];
            second = new int[out];
            weight = new double[out];
            double scale = (double) in / out;
            for (int d = 0; d < out; d++) {
                double s = Math.max(0, (d + 0.5) * scale - 0.5);
                int f = Math.min((int) s, in - 1);
                first[d] = f;
                second[d] = Math.min(f + 1, in - 1);
                weight[d] = s - f;
            }
        }
    }
}
