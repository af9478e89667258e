package dev.kiln.events;

import java.util.Arrays;

/**
 * The recent history of one scalar: a ring buffer of (value, iteration) pairs of bounded length,
 * plus a running global average over every value ever added, so memory stays bounded on a run of
 * any length.
 */
public final class HistoryBuffer {

    private final double[] values;
    private final long[] iterations;
    private int size;
    private int next;
    private double globalSum;
    private long globalCount;

    /**
     * Creates an empty buffer.
     *
     * @param maxLength how many recent values are kept; older ones only count in the global average
     */
    public HistoryBuffer(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
        }
        values = new double[maxLength];
        iterations = new long[maxLength];
    }

    /**
     * Adds a value observed at an iteration.
     *
     * @param value the value
     * @param iteration the iteration it belongs to
     */
    public void update(double value, long iteration) {
        values[next] = value;
        iterations[next] = iteration;
        next = (next + 1) % values.length;
        if (size < values.length) {
            size++;
        }
        globalSum += value;
        globalCount++;
    }

    /** @return the number of values currently kept (at most the buffer's maximum length) */
    public int size() {
        return size;
    }

    /** @return whether no value was ever added */
    public boolean isEmpty() {
        return size == 0;
    }

    /** @return the newest value */
    public double latest() {
        return values[index(0)];
    }

    /** @return the iteration of the newest value */
    public long latestIteration() {
        return iterations[index(0)];
    }

    /**
     * @param window how many of the newest values to use
     * @return the median of the newest {@code window} values
     */
    public double median(int window) {
        double[] recent = recent(window);
        Arrays.sort(recent);
        int n = recent.length;
        return n % 2 == 1 ? recent[n / 2] : (recent[n / 2 - 1] + recent[n / 2]) / 2;
    }

    /**
     * @param window how many of the newest values to use
     * @return the mean of the newest {@code window} values
     */
    public double average(int window) {
        double sum = 0;
        int n = Math.min(window, size);
        for (int i = 0; i < n; i++) {
            sum += values[index(i)];
        }
        return sum / n;
    }

    /** @return the mean of every value ever added, including those no longer kept */
    public double globalAverage() {
        return globalSum / globalCount;
    }

    /** @return how many values were ever added */
    public long count() {
        return globalCount;
    }

    /**
     * @param window how many of the newest values to return
     * @return the newest {@code window} values, oldest first
     */
    public double[] recent(int window) {
        requireNotEmpty();
        int n = Math.min(Math.max(window, 1), size);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[n - 1 - i] = values[index(i)];
        }
        return out;
    }

    /** @return the iterations of the values kept, oldest first, matching {@link #values()} */
    public long[] iterations() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[size - 1 - i] = iterations[index(i)];
        }
        return out;
    }

    /** @return the values kept, oldest first */
    public double[] values() {
        return size == 0 ? new double[0] : recent(size);
    }

    /** Index of the value {@code back} places before the newest. */
    private int index(int back) {
        requireNotEmpty();
        return Math.floorMod(next - 1 - back, values.length);
    }

    private void requireNotEmpty() {
        if (size == 0) {
            throw new IllegalStateException("the history is empty");
        }
    }
}
