package dev.kiln.evaluation;

import ai.djl.ndarray.NDList;
import java.util.Map;

/**
 * Measures a model over a dataset, batch by batch, after detectron2's {@code DatasetEvaluator}:
 * {@link #reset()} before the first batch, {@link #process} for each batch, {@link #evaluate()}
 * at the end. The arrays given to {@link #process} are freed when it returns, so an evaluator keeps
 * what it needs on the host (counts, sums), never the arrays themselves.
 *
 * <p>Evaluators are selected by name, at the key an evaluation hook declares, and created by an {@link
 * EvaluatorProvider}; {@link CombinedEvaluator} runs several as one.
 */
public interface Evaluator {

    /** Forgets every batch processed so far. */
    void reset();

    /**
     * Takes in one batch.
     *
     * @param inputs the model's inputs (the batch's features)
     * @param outputs the model's outputs for them, such as logits of shape (batch, classes)
     * @param labels the batch's labels, such as class indices of shape (batch)
     */
    void process(NDList inputs, NDList outputs, NDList labels);

    /**
     * Computes the results over every batch processed since the last {@link #reset()}.
     *
     * @return result name to value, in a stable order, such as {@code accuracy -> 0.97}
     */
    Map<String, Double> evaluate();
}
