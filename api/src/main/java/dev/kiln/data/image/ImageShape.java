package dev.kiln.data.image;

import ai.djl.ndarray.types.Shape;

/**
 * The shape of an image: channels, height and width.
 *
 * @param channels the number of channels (1 for grey, 3 for RGB)
 * @param height rows of pixels
 * @param width columns of pixels
 */
public record ImageShape(int channels, int height, int width) {

    /** Checks that every dimension is at least 1. */
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "an image needs at least one channel, row and column, got "
                            + describe(channels, height, width));
        }
    }

    /** @return the number of values in an image of this shape */
    public int size() {
        return channels * height * width;
    }

    /** @return the DJL shape (channels, height, width) */
    public Shape toShape() {
        return new Shape(channels, height, width);
    }

    @Override
    public String toString() {
        return describe(channels, height, width);
    }

    private static String describe(int channels, int height, int width) {
        return channels + "x" + height + "x" + width;
    }
}
