package dev.kiln.data;

/**
 * A dataset whose rows are held in host memory as floats: a fixed number of features and one
 * label per row.
 *
 * <p>The accessors are meant for tight loops: they do not allocate, and they may be called from a
 * background thread (implementations are read-only after construction).
 */
public interface HostTable {

    /**
     * Returns the number of rows.
     *
     * @return the row count
     */
    int rowCount();

    /**
     * Returns the number of features in each row.
     *
     * @return the feature count
     */
    int featureCount();

    /**
     * Copies the features of one row into {@code dest[offset .. offset + featureCount)}.
     *
     * @param row the row, in {@code [0, rowCount)}
     * @param dest the destination array
     * @param offset where the row starts in {@code dest}
     */
    void copyFeatures(int row, float[] dest, int offset);

    /**
     * Returns the label of one row (a class index as a float, or a regression target).
     *
     * @param row the row, in {@code [0, rowCount)}
     * @return the label
     */
    float label(int row);
}
