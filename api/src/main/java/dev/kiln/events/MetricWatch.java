package dev.kiln.events;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one scalar of the {@link EventStorage} for a hook that acts on its best value (a best
 * checkpoint, early stopping): each new value, put at an iteration later than the last one seen,
 * is read once and compared with the best so far. NaN is never an improvement. The best value, its
 * iteration and the last iteration seen are saved with the hook's state, so a resumed run keeps
 * them.
 */
public final class MetricWatch {

    private static final Logger LOG = LoggerFactory.getLogger(MetricWatch.class);

    private final String metric;
    private final boolean maximize;
    private final double minDelta;
    private double best = Double.NaN;
    private long bestIteration = -1;
    private long lastSeen = -1;

    /**
     * Creates a watch.
     *
     * @param metric the scalar's full name, for example {@code test/accuracy}
     * @param mode {@code max} (higher is better) or {@code min}
     * @param minDelta how much a value must beat the best by to improve on it, at least 0
     * @param section the config section the settings come from, for messages (such as
     *     {@code kiln.my-hook})
     * @throws IllegalArgumentException naming the key when a setting is not valid
     */
    public MetricWatch(String metric, String mode, double minDelta, String section) {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException(section + ".metric must name a metric");
        }
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("max") && !m.equals("min")) {
            throw new IllegalArgumentException(
                    section + ".mode is \"" + mode + "\"; expected one of: max, min");
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException(
                    section + ".min-delta must be at least 0 but is " + minDelta);
        }
        this.metric = metric;
        this.maximize = m.equals("max");
        this.minDelta = minDelta;
    }

    /**
     * A new value of the metric.
     *
     * @param value the value
     * @param iteration the iteration it was put at
     * @param improved whether it became the new best
     */
    public record Reading(double value, long iteration, boolean improved) {}

    /**
     * Reads the metric's newest value if it is newer than the last one read, and makes it the best
     * when it improves on it.
     *
     * @param storage the storage of the running training
     * @return the new value, or empty when there is none
     */
    public Optional<Reading> poll(EventStorage storage) {
        Optional<HistoryBuffer> history = storage.findHistory(metric);
        if (history.isEmpty() || history.get().isEmpty()) {
            return Optional.empty();
        }
        long iteration = history.get().latestIteration();
        if (iteration <= lastSeen) {
            return Optional.empty();
        }
        lastSeen = iteration;
        double value = history.get().latest();
        boolean improved = improves(value);
        if (improved) {
            best = value;
            bestIteration = iteration;
        }
        return Optional.of(new Reading(value, iteration, improved));
    }

    /**
     * @param value a value of the metric
     * @return whether it beats the best by more than min-delta; false for NaN, true for any other
     *     value while there is no best
     */
    public boolean improves(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        if (Double.isNaN(best)) {
            return true;
        }
        return maximize ? value > best + minDelta : value < best - minDelta;
    }

    /** @return the metric's name */
    public String metric() {
        return metric;
    }

    /** @return the best value so far, NaN before any */
    public double best() {
        return best;
    }

    /** @return the iteration of the best value, -1 before any */
    public long bestIteration() {
        return bestIteration;
    }

    /** @return whether any value of the metric was read */
    public boolean sawAny() {
        return lastSeen >= 0;
    }

    /**
     * Adds the watch's state to a hook's state: {@code metric}, {@code best} (when there is one),
     * {@code best_iteration}, {@code last_seen}.
     *
     * @param state the hook's state to add to
     */
    public void saveState(Map<String, Object> state) {
        state.put("metric", metric);
        if (!Double.isNaN(best)) {
            state.put("best", best);
        }
        state.put("best_iteration", bestIteration);
        state.put("last_seen", lastSeen);
    }

    /**
     * Restores what {@link #saveState} added, unless it was saved for another metric, which is
     * logged and leaves the watch as it is.
     *
     * @param state the hook's saved state
     * @param owner the hook's name, for the log
     * @return whether the state was restored
     */
    public boolean loadState(Map<String, Object> state, String owner) {
        Object savedMetric = state.get("metric");
        if (savedMetric != null && !metric.equals(savedMetric)) {
            LOG.warn(
                    "The saved state of {} follows metric {}, not {}; starting afresh",
                    owner,
                    savedMetric,
                    metric);
            return false;
        }
        best = state.get("best") instanceof Number n ? n.doubleValue() : Double.NaN;
        bestIteration = state.get("best_iteration") instanceof Number n ? n.longValue() : -1;
        lastSeen = state.get("last_seen") instanceof Number n ? n.longValue() : -1;
        return true;
    }
}
