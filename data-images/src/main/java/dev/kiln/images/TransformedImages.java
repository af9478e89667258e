package dev.kiln.images;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.images.transform.TransformList;
import java.nio.file.Path;
import java.util.Map;

/**
 * A dataset's transforms applied to its images: the one shape of the examples they make from
 * images of every size the dataset holds, and the copy of a transformed image into a batch.
 */
final class TransformedImages {

    private final TransformList transforms;
    private final ImageShape output;

    /**
     * @param transforms the transforms, in order
     * @param inputs the shapes of the decoded images, each with a file of that shape (for
     *     messages), in a stable order
     * @param key the transforms' key, such as {@code kiln.data.train.transforms}, for messages
     * @throws dev.kiln.spi.SettingsException if a transform does not fit a shape
     * @throws IllegalArgumentException if images of different sizes come out in different shapes
     */
    TransformedImages(TransformList transforms, Map<ImageShape, Path> inputs, String key) {
        this.transforms = transforms;
        ImageShape first = null;
        Path firstFile = null;
        for (Map.Entry<ImageShape, Path> input : inputs.entrySet()) {
            ImageShape out = transforms.outputShape(input.getKey());
            if (first == null) {
                first = out;
                firstFile = input.getValue();
            } else if (!out.equals(first)) {
                throw new IllegalArgumentException(
                        "the images are not all of one size ("
                                + firstFile
                                + " becomes "
                                + first
                                + ", "
                                + input.getValue()
                                + " becomes "
                                + out
                                + " after "
                                + key
                                + "); add a resize and a center-crop (or random-crop) to "
                                + key
                                + " so that every image comes out the same size");
            }
        }
        if (first == null) {
            throw new IllegalArgumentException("there are no images");
        }
        this.output = first;
    }

    /** @return the shape of a transformed image */
    ImageShape output() {
        return output;
    }

    /** @return whether the transforms draw random numbers */
    boolean isRandom() {
        return transforms.isRandom();
    }

    /**
     * Transforms an image and copies its values.
     *
     * @param image the decoded image
     * @param seed the seed of its random draws
     * @param dest where to copy
     * @param offset where the image starts in {@code dest}
     */
    void copy(HostImage image, long seed, float[] dest, int offset) {
        HostImage result = transforms.apply(image, seed);
        if (!result.shape().equals(output)) {
            throw new IllegalStateException(
                    "the transforms made an image of shape "
                            + result.shape()
                            + " from one of shape "
                            + image.shape()
                            + ", not the "
                            + output
                            + " they announced");
        }
        System.arraycopy(result.pixels(), 0, dest, offset, result.pixels().length);
    }
}
