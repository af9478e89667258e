package dev.kiln.data;

import ai.djl.ndarray.types.Shape;

/**
 * A dataset whose examples are read into float arrays on the host: a fixed number of feature
 * values and of label values per example. Kiln's batch source gathers batches of it on background
 * threads, without NDArrays, and evaluation batches it the same way.
 *
 * <p>The accessors may be called from several threads at once (implementations are read-only
 * after construction), and are meant for tight loops.
 *
 * <p>An example's features may be shaped ({@link #exampleShape}, such as an image's (channels,
 * height, width)); they are copied flat, in row-major order. A dataset that augments its examples
 * at random ({@link #isRandomized}) gets a seed per example and epoch in {@link
 * #copyFeatures(int, long, float[], int)}, so the same seed gives the same values on any thread.
 */
public interface HostTable {

    /**
     * Returns the number of rows.
     *
     * @return the row count
     */
    int rowCount();

    /**
     * Returns the number of feature values in each row, the product of {@link #exampleShape}.
     *
     * @return the feature count
     */
    int featureCount();

    /**
     * Returns the shape of one example's features, without the batch axis.
     *
     * @return (featureCount) unless the dataset says otherwise, such as (1, 28, 28) for an image
     */
    default Shape exampleShape() {
        return new Shape(featureCount());
    }

    /**
     * Copies the features of one row into {@code dest[offset .. offset + featureCount)}; a
     * randomized dataset gives the values of a fixed seed.
     *
     * @param row the row, in {@code [0, rowCount)}
     * @param dest the destination array
     * @param offset where the row starts in {@code dest}
     */
    void copyFeatures(int row, float[] dest, int offset);

    /**
     * Copies the features of one row as seen with a given seed, into {@code dest[offset .. offset
     * + featureCount)}. The batch source passes {@link dev.kiln.runtime.Seeds#forExample}'s seed
     * of the row in the current epoch.
     *
     * @param row the row, in {@code [0, rowCount)}
     * @param seed the seed of this row's random draws
     * @param dest the destination array
     * @param offset where the row starts in {@code dest}
     */
    default void copyFeatures(int row, long seed, float[] dest, int offset) {
        copyFeatures(row, dest, offset);
    }

    /**
     * Tells whether {@link #copyFeatures(int, long, float[], int)} depends on the seed.
     *
     * @return false unless the dataset augments its examples at random
     */
    default boolean isRandomized() {
        return false;
    }

    /**
     * Returns the number of label values per row: 1 for a class index or a single regression
     * target, when labels batch to shape (batch); more for several targets, batched to (batch,
     * labelCount).
     *
     * @return the label count, at least 1
     */
    default int labelCount() {
        return 1;
    }

    /**
     * Returns the first label value of one row (a class index as a float, or a regression
     * target).
     *
     * @param row the row, in {@code [0, rowCount)}
     * @return the label
     */
    float label(int row);

    /**
     * Copies every label value of one row into {@code dest[offset .. offset + labelCount)}.
     *
     * @param row the row, in {@code [0, rowCount)}
     * @param dest the destination array
     * @param offset where the row's labels start in {@code dest}
     */
    default void copyLabels(int row, float[] dest, int offset) {
        dest[offset] = label(row);
    }
}
