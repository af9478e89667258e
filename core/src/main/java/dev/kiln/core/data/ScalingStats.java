package dev.kiln.core.data;

/**
 * Per-column statistics of a {@link FeatureScaling}, fitted on training rows: each feature
 * becomes {@code (x - shift) / scale}.
 *
 * @param method the scaling these statistics implement
 * @param shift per column, the mean (standardize), the minimum (min-max) or 0
 * @param scale per column, the standard deviation, the range or 1; never 0
 */
public record ScalingStats(FeatureScaling method, float[] shift, float[] scale) {

    /**
     * Checks and copies the arrays.
     *
     * @param method the scaling
     * @param shift per-column shift
     * @param scale per-column scale, not 0
     */
    public ScalingStats {
        if (shift.length != scale.length) {
            throw new IllegalArgumentException(
                    "shift and scale differ in length: " + shift.length + " vs " + scale.length);
        }
        shift = shift.clone();
        scale = scale.clone();
        for (float s : scale) {
            if (s == 0 || !Float.isFinite(s)) {
                throw new IllegalArgumentException("scale must be finite and not 0, got " + s);
            }
        }
    }

    /**
     * Fits statistics on some rows of a row-major feature matrix.
     *
     * @param method the scaling
     * @param features row-major features, {@code featureCount} per row
     * @param featureCount the number of columns
     * @param rows the rows to fit on (the training rows)
     * @return the fitted statistics; identity for {@link FeatureScaling#NONE}
     */
    public static ScalingStats fit(
            FeatureScaling method, float[] features, int featureCount, int[] rows) {
        float[] shift = new float[featureCount];
        float[] scale = new float[featureCount];
        java.util.Arrays.fill(scale, 1f);
        if (method == FeatureScaling.NONE || rows.length == 0) {
            return new ScalingStats(method, shift, scale);
        }
        for (int c = 0; c < featureCount; c++) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int row : rows) {
                double x = features[row * featureCount + c];
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            if (method == FeatureScaling.MIN_MAX) {
                shift[c] = (float) min;
                scale[c] = max > min ? (float) (max - min) : 1f;
            } else {
                double mean = sum / rows.length;
                double squares = 0;
                for (int row : rows) {
                    double d = features[row * featureCount + c] - mean;
                    squares += d * d;
                }
                double std = Math.sqrt(squares / rows.length);
                shift[c] = (float) mean;
                scale[c] = std > 0 ? (float) std : 1f;
            }
        }
        return new ScalingStats(method, shift, scale);
    }

    /**
     * Returns the number of columns.
     *
     * @return the feature count
     */
    public int featureCount() {
        return shift.length;
    }

    /**
     * Returns a copy of the per-column shifts.
     *
     * @return the shifts
     */
    @Override
    public float[] shift() {
        return shift.clone();
    }

    /**
     * Returns a copy of the per-column scales.
     *
     * @return the scales
     */
    @Override
    public float[] scale() {
        return scale.clone();
    }

    /**
     * Scales every row of a row-major feature matrix in place.
     *
     * @param features row-major features, {@link #featureCount()} per row
     */
    public void applyInPlace(float[] features) {
        int n = shift.length;
        for (int i = 0; i < features.length; i++) {
            int c = i % n;
            features[i] = (features[i] - shift[c]) / scale[c];
        }
    }
}
