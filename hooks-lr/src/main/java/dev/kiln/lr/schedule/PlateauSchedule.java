package dev.kiln.lr.schedule;

import dev.kiln.events.EventStorage;
import dev.kiln.events.MetricWatch;
import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the value when a metric stops improving, like Keras' {@code ReduceLROnPlateau}: each
 * time the metric (a scalar in the event storage, such as {@code test/accuracy}) has a new value
 * (an evaluation), it is compared with the best so far; after {@code patience} evaluations in a
 * row without improvement the value is multiplied by {@code factor}, never below {@code
 * minValue}. For {@code cooldown} evaluations after a lowering, evaluations without improvement
 * are not counted. Starts at 1 and ignores {@code where}.
 *
 * <p>Its counters (best value, evaluations without improvement, cooldown left, the value, the
 * iteration of the last evaluation seen) are its state, saved in checkpoints.
 */
public final class PlateauSchedule implements ParamSchedule {

    /** Which way the metric improves. */
    public enum Mode {
        /** Lower is better (a loss). */
        MIN,
        /** Higher is better (an accuracy). */
        MAX;

        /**
         * @param name {@code min} or {@code max}
         * @return the mode
         * @throws InvalidScheduleException for any other name
         */
        public static Mode parse(String name) {
            for (Mode m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return m;
                }
            }
            throw new InvalidScheduleException(
                    "mode", "unknown mode \"" + name + "\"; known: min, max");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PlateauSchedule.class);

    private final String metric;
    private final Mode mode;
    private final MetricWatch watch;
    private final double factor;
    private final int patience;
    private final int cooldown;
    private final double minValue;

    private double value = 1;
    private int badEvaluations;
    private int cooldownLeft;

    /**
     * @param metric the scalar's name in the event storage
     * @param mode which way it improves
     * @param factor the factor applied on a plateau, in {@code (0, 1)}
     * @param patience evaluations in a row without improvement that make a plateau, {@code >= 1}
     * @param cooldown evaluations after a lowering that are not counted, {@code >= 0}
     * @param minValue the lowest value, {@code >= 0}
     */
    public PlateauSchedule(
            String metric, Mode mode, double factor, int patience, int cooldown, double minValue) {
        if (metric == null || metric.isBlank()) {
            throw new InvalidScheduleException(
                    "metric",
                    "plateau needs the name of a scalar in the event storage, e.g. test/accuracy");
        }
        if (!(factor > 0 && factor < 1)) {
            throw new InvalidScheduleException("factor", "must be in (0, 1), got " + factor);
        }
        if (patience < 1) {
            throw new InvalidScheduleException("patience", "must be >= 1, got " + patience);
        }
        if (cooldown < 0) {
            throw new InvalidScheduleException("cooldown", "must be >= 0, got " + cooldown);
        }
        this.metric = metric;
        this.mode = mode;
        this.watch =
                new MetricWatch(
                        metric, mode.name().toLowerCase(Locale.ROOT), 0, "kiln.lr-schedule");
        this.factor = factor;
        this.patience = patience;
        this.cooldown = cooldown;
        this.minValue = Checks.nonNegative("min-lr", minValue);
    }

    @Override
    public double value(double where) {
        return value;
    }

    /**
     * Counts a new value of the metric, if the storage has one since the last call; NaN never
     * improves on the best.
     */
    @Override
    public void observe(EventStorage storage) {
        watch.poll(storage).ifPresent(r -> evaluate(r.improved(), r.iteration()));
    }

    private void evaluate(boolean improved, long iteration) {
        boolean inCooldown = cooldownLeft > 0;
        if (inCooldown) {
            cooldownLeft--;
            badEvaluations = 0;
        }
        if (improved) {
            badEvaluations = 0;
        } else if (!inCooldown) {
            badEvaluations++;
            if (badEvaluations >= patience) {
                double lowered = Math.max(value * factor, minValue);
                if (lowered < value) {
                    LOG.info(
                            "{} has not improved on {} for {} evaluations (iteration {}): the"
                                    + " learning rate multiplier goes from {} to {}",
                            metric,
                            watch.best(),
                            badEvaluations,
                            iteration,
                            value,
                            lowered);
                    value = lowered;
                }
                cooldownLeft = cooldown;
                badEvaluations = 0;
            }
        }
    }

    @Override
    public boolean isStateful() {
        return true;
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("value", value);
        watch.saveState(state);
        state.put("bad-evaluations", badEvaluations);
        state.put("cooldown-left", cooldownLeft);
        return state;
    }

    @Override
    public void loadState(Map<String, Object> state) {
        value = number(state, "value").doubleValue();
        watch.loadState(state, "plateau");
        badEvaluations = number(state, "bad-evaluations").intValue();
        cooldownLeft = number(state, "cooldown-left").intValue();
    }

    private static Number number(Map<String, Object> state, String key) {
        Object v = state.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(
                    "saved plateau state has no number '" + key + "': " + state);
        }
        return n;
    }

    /** @return evaluations in a row without improvement, since the last lowering */
    public int badEvaluations() {
        return badEvaluations;
    }

    /** @return the best value of the metric so far, if any */
    public Optional<Double> best() {
        return Double.isNaN(watch.best()) ? Optional.empty() : Optional.of(watch.best());
    }

    @Override
    public String toString() {
        return "plateau(" + metric + ", " + mode.name().toLowerCase(Locale.ROOT) + ")";
    }
}
