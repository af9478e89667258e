package dev.kiln.data.image;

/**
 * An image held in a float array on the host, channel by channel, each channel row by row (CHW,
 * as a DJL or PyTorch image tensor is laid out). Decoded pixels are in [0, 1]; transforms such as
 * normalization may leave that range.
 *
 * <p>Transforms treat an image as a value: they return a new one, or the same instance when they
 * change nothing, and never write into the pixels of the image they were given.
 *
 * @param shape the image's shape
 * @param pixels its values, {@code shape.size()} of them
 */
public record HostImage(ImageShape shape, float[] pixels) {

    /** Checks that the pixels fit the shape. */
    public HostImage {
        if (pixels.length != shape.size()) {
            throw new IllegalArgumentException(
                    "an image of shape "
                            + shape
                            + " has "
                            + shape.size()
                            + " values, not "
                            + pixels.length);
        }
    }

    /**
     * Creates a black image (all zeros).
     *
     * @param shape its shape
     * @return the image
     */
    public static HostImage zeros(ImageShape shape) {
        return new HostImage(shape, new float[shape.size()]);
    }

    /**
     * Returns a value.
     *
     * @param channel the channel
     * @param y the row
     * @param x the column
     * @return the value at that place
     */
    public float get(int channel, int y, int x) {
        return pixels[index(channel, y, x)];
    }

    /**
     * Returns where a value is in {@link #pixels}.
     *
     * @param channel the channel
     * @param y the row
     * @param x the column
     * @return its index
     */
    public int index(int channel, int y, int x) {
        return (channel * shape.height() + y) * shape.width() + x;
    }
}
