package dev.kiln.data.image;

import java.util.SplittableRandom;

/**
 * One step of a dataset's {@code transforms} list, such as a crop or a normalization, applied to
 * every image in order before it is batched.
 *
 * <p>A random transform draws only from the generator it is given. Kiln seeds that generator from
 * the run seed, the epoch and the example's index, so a resumed run sees exactly the augmented
 * images an uninterrupted one would have seen, on any engine and with any number of decoding
 * threads. An implementation must be safe to call from several threads at once (hold no mutable
 * state) and must not use a global or thread-local random source.
 */
public interface ImageTransform {

    /**
     * Returns the shape of the images this transform makes from images of a given shape, checking
     * that it can apply to them.
     *
     * @param input the shape of the images it will be given
     * @return the shape of the images it returns
     * @throws dev.kiln.spi.SettingsException if its settings do not fit that shape (a crop larger
     *     than the image, a mean per channel for the wrong number of channels), naming the key
     */
    ImageShape outputShape(ImageShape input);

    /**
     * Transforms one image.
     *
     * @param image the image, of a shape {@link #outputShape} accepted; not modified
     * @param random the generator to draw from, seeded for this example and epoch
     * @return the transformed image, of shape {@code outputShape(image.shape())}
     */
    HostImage apply(HostImage image, SplittableRandom random);

    /**
     * Tells whether the transform draws from its generator; a list without random transforms gives
     * the same image every epoch.
     *
     * @return true for an augmentation such as a random crop
     */
    default boolean isRandom() {
        return false;
    }
}
