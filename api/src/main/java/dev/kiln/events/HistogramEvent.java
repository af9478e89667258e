package dev.kiln.events;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A histogram put into the storage, summarised with TensorBoard's default bucket edges (powers of
 * 1.1 from 1e-12 to 1e20, mirrored for negative values, and 0), keeping only non-empty buckets.
 *
 * @param name the tag
 * @param iteration the iteration it was put at
 * @param min smallest value
 * @param max largest value
 * @param count number of values
 * @param sum sum of the values
 * @param sumSquares sum of the squared values
 * @param bucketLimits the right (exclusive) edge of each non-empty bucket, ascending
 * @param bucketCounts the number of values in each of those buckets
 */
public record HistogramEvent(
        String name,
        long iteration,
        double min,
        double max,
        long count,
        double sum,
        double sumSquares,
        double[] bucketLimits,
        double[] bucketCounts) {

    private static final double[] DEFAULT_EDGES = defaultEdges();

    /**
     * Summarises values into a histogram with TensorBoard's default bucket edges.
     *
     * @param name the tag
     * @param iteration the iteration
     * @param values the values; must not be empty
     * @return the histogram
     */
    public static HistogramEvent of(String name, long iteration, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("histogram '" + name + "' has no values");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSquares = 0;
        long[] counts = new long[DEFAULT_EDGES.length];
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSquares += v * v;
            counts[bucketOf(v)]++;
        }
        List<double[]> nonEmpty = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                nonEmpty.add(new double[] {DEFAULT_EDGES[i], counts[i]});
            }
        }
        double[] limits = new double[nonEmpty.size()];
        double[] bucketCounts = new double[nonEmpty.size()];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = nonEmpty.get(i)[0];
            bucketCounts[i] = nonEmpty.get(i)[1];
        }
        return new HistogramEvent(
                name, iteration, min, max, values.length, sum, sumSquares, limits, bucketCounts);
    }

    /** @return TensorBoard's default bucket right edges, ascending, ending at Double.MAX_VALUE */
    public static double[] defaultBucketEdges() {
        return DEFAULT_EDGES.clone();
    }

    /** The bucket a value falls in: the first whose right edge is greater than the value. */
    private static int bucketOf(double v) {
        int i = Arrays.binarySearch(DEFAULT_EDGES, v);
        // An exact hit on an edge belongs to the next bucket (edges are exclusive on the right).
        int bucket = i >= 0 ? i + 1 : -i - 1;
        return Math.min(bucket, DEFAULT_EDGES.length - 1);
    }

    private static double[] defaultEdges() {
        List<Double> positive = new ArrayList<>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) {
            positive.add(v);
        }
        positive.add(Double.MAX_VALUE);
        double[] edges = new double[positive.size() * 2 + 1];
        int n = positive.size();
        for (int i = 0; i < n; i++) {
            edges[n - 1 - i] = -positive.get(i);
            edges[n + 1 + i] = positive.get(i);
        }
        edges[n] = 0.0;
        return edges;
    }
}
