package dev.kiln.data;

import ai.djl.ndarray.NDList;

/**
 * One training batch, with its arrays on the training thread's (per-step) manager.
 *
 * @param data the model inputs, such as features of shape (batch, featureCount)
 * @param labels the targets, such as class indices of shape (batch)
 */
public record TrainingBatch(NDList data, NDList labels) {

    /**
     * Returns the number of examples, the first dimension of the first data array.
     *
     * @return the batch size
     */
    public int size() {
        return Math.toIntExact(data.head().getShape().get(0));
    }
}
