package dev.kiln.example;

/**
 * What Gaussian blobs to generate, after scikit-learn's {@code make_blobs}: one blob per class,
 * its center drawn uniformly from {@code [-centerBox, centerBox]} on each feature, its points
 * normally distributed around the center with standard deviation {@code spread}.
 *
 * @param classes how many classes (blobs), at least 2
 * @param features the number of features of a point, at least 1
 * @param spread the standard deviation of a blob's points on each feature, greater than 0
 * @param centerBox the half-width of the box the centers are drawn from, greater than 0
 * @param seed the seed of the centers and the points
 */
public record BlobSpec(int classes, int features, double spread, double centerBox, long seed) {

    /**
     * @throws IllegalArgumentException when a value is out of its range
     */
    public BlobSpec {
        if (classes < 2 || features < 1 || !(spread > 0) || !(centerBox > 0)) {
            throw new IllegalArgumentException(
                    "need classes >= 2, features >= 1, spread > 0, centerBox > 0; got "
                            + classes
                            + ", "
                            + features
                            + ", "
                            + spread
                            + ", "
                            + centerBox);
        }
    }
}
