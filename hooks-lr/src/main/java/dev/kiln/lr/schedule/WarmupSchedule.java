package dev.kiln.lr.schedule;

import dev.kiln.events.EventStorage;
import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;
import java.util.Locale;
import java.util.Map;

/**
 * A schedule with a warmup at its start, with detectron2's {@code WarmupParamScheduler}
 * semantics: over the first {@code length} of the run the value starts at {@code factor x
 * schedule(0)} and either stays there ({@link Method#CONSTANT}) or rises in a straight line to
 * {@code schedule(length)} ({@link Method#LINEAR}); after it the schedule runs unchanged on the
 * run's progress (its curve is not shifted by the warmup).
 */
public final class WarmupSchedule implements ParamSchedule {

    /** How the value moves during the warmup. */
    public enum Method {
        /** A straight line from {@code factor x schedule(0)} to {@code schedule(length)}. */
        LINEAR,
        /** {@code factor x schedule(0)} throughout the warmup. */
        CONSTANT;

        /**
         * @param name {@code linear} or {@code constant}
         * @return the method
         * @throws InvalidScheduleException for any other name
         */
        public static Method parse(String name) {
            for (Method m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return m;
                }
            }
            throw new InvalidScheduleException(
                    "warmup.method", "unknown method \"" + name + "\"; known: linear, constant");
        }
    }

    private final ParamSchedule schedule;
    private final double length;
    private final double factor;
    private final Method method;

    /**
     * @param schedule the schedule after the warmup
     * @param length the warmup's fraction of the run, in {@code [0, 1]}
     * @param factor the value at the start relative to {@code schedule(0)}, {@code >= 0}
     * @param method how the value moves during the warmup
     */
    public WarmupSchedule(ParamSchedule schedule, double length, double factor, Method method) {
        if (!(length >= 0 && length <= 1)) {
            throw new InvalidScheduleException(
                    "warmup.length",
                    "must be a fraction of the run in [0, 1], got "
                            + length
                            + " (e.g. 0.01 warms up over the first 1% of the iterations)");
        }
        this.schedule = schedule;
        this.length = length;
        this.factor = Checks.nonNegative("warmup.factor", factor);
        this.method = method;
    }

    @Override
    public double value(double where) {
        if (where + StepSchedule.WHERE_EPSILON > length) {
            return schedule.value(where);
        }
        double start = factor * schedule.value(0);
        if (method == Method.CONSTANT) {
            return start;
        }
        double end = schedule.value(length);
        double alpha = where / length;
        return end * alpha + start * (1 - alpha);
    }

    @Override
    public void observe(EventStorage storage) {
        schedule.observe(storage);
    }

    @Override
    public boolean isStateful() {
        return schedule.isStateful();
    }

    @Override
    public Map<String, Object> saveState() {
        return schedule.saveState();
    }

    @Override
    public void loadState(Map<String, Object> state) {
        schedule.loadState(state);
    }

    @Override
    public String toString() {
        return "warmup("
                + method.name().toLowerCase(Locale.ROOT)
                + ", "
                + length
                + ", "
                + factor
                + ") then "
                + schedule;
    }
}
