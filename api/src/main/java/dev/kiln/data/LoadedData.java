package dev.kiln.data;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import java.util.Optional;

/**
 * A loaded dataset: the examples to use, the examples held out of them for testing (when the
 * dataset splits itself), the shape of one example and the number of classes.
 *
 * @param examples the examples (for training, the rows not held out)
 * @param heldOut the held-out test examples, when the dataset was split
 * @param exampleShape the shape of one example's features, without the batch axis
 * @param classCount the number of classes (labels are 0 .. classCount-1)
 */
public record LoadedData(
        RandomAccessDataset examples,
        Optional<RandomAccessDataset> heldOut,
        Shape exampleShape,
        int classCount) {}
