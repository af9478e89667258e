package dev.kiln.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.Map;

/**
 * Computes a model's loss as named terms, each a scalar NDArray; the trainer sums them into {@code
 * total_loss} and records each term. Terms are recorded under their names, so name them like
 * {@code loss_cls}, {@code loss_box}.
 */
@FunctionalInterface
public interface LossFunction {

    /**
     * @param predictions the model's outputs
     * @param labels the batch's labels
     * @return the loss terms by name, in a stable order; at least one
     */
    Map<String, NDArray> compute(NDList predictions, NDList labels);

    /**
     * Adapts one DJL {@link Loss} as a single term named after it.
     *
     * @param loss the DJL loss, for example {@code Loss.softmaxCrossEntropyLoss()}
     * @return the loss function
     */
    static LossFunction of(Loss loss) {
        return of("loss_" + loss.getName().replaceAll("[^A-Za-z0-9_]+", "_").toLowerCase(), loss);
    }

    /**
     * Adapts one DJL {@link Loss} as a single term.
     *
     * @param name the term's name, for example {@code loss_cls}
     * @param loss the DJL loss
     * @return the loss function
     */
    static LossFunction of(String name, Loss loss) {
        return (predictions, labels) -> Map.of(name, loss.evaluate(labels, predictions));
    }
}
