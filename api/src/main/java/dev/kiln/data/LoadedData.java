package dev.kiln.data;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import dev.kiln.predict.PredictionInput;
import java.util.Optional;

/**
 * A loaded dataset: the examples to use, the examples held out of them for testing (when the
 * dataset splits itself), the shape of one example, the number of classes, and how a raw input
 * becomes an example when the trained model predicts.
 *
 * @param examples the examples (for training, the rows not held out)
 * @param heldOut the held-out test examples, when the dataset was split
 * @param exampleShape the shape of one example's features, without the batch axis
 * @param classCount the number of classes (labels are 0 .. classCount-1)
 * @param input how one raw input is read as the test examples are (for a training section with a
 *     held-out split, as the held-out examples are); empty when the dataset cannot say, which
 *     leaves a run with it unexportable
 */
public record LoadedData(
        RandomAccessDataset examples,
        Optional<RandomAccessDataset> heldOut,
        Shape exampleShape,
        int classCount,
        Optional<PredictionInput> input) {

    /**
     * A dataset that does not describe its inputs for prediction.
     *
     * @param examples the examples
     * @param heldOut the held-out test examples, when the dataset was split
     * @param exampleShape the shape of one example
     * @param classCount the number of classes
     */
    public LoadedData(
            RandomAccessDataset examples,
            Optional<RandomAccessDataset> heldOut,
            Shape exampleShape,
            int classCount) {
        this(examples, heldOut, exampleShape, classCount, Optional.empty());
    }
}
