package dev.kiln.lr.schedule;

import dev.kiln.events.EventStorage;
import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schedules one after the other over parts of the run (fvcore's {@code CompositeParamScheduler}):
 * child {@code i} covers a fraction {@code lengths[i]} of the run; a {@link
 * IntervalScaling#RESCALED rescaled} child sees its part as {@code [0, 1)}, a {@link
 * IntervalScaling#FIXED fixed} one sees the run's {@code where}. A stateful child (a plateau)
 * keeps its state, saved under its index.
 */
public final class CompositeSchedule implements ParamSchedule {

    /** How a child sees the progress within its part of the run. */
    public enum IntervalScaling {
        /** The child's part of the run is its whole {@code [0, 1)}. */
        RESCALED,
        /** The child sees the progress of the whole run. */
        FIXED
    }

    /** fvcore's tolerance on the sum of the lengths. */
    static final double LENGTH_TOLERANCE = 1e-3;

    private final List<ParamSchedule> schedules;
    private final double[] lengths;
    private final List<IntervalScaling> scaling;

    /**
     * @param schedules the children, at least one
     * @param lengths each child's fraction of the run, each in {@code (0, 1]}, summing to 1
     * @param scaling how each child sees the progress, one per child
     */
    public CompositeSchedule(
            List<ParamSchedule> schedules, List<Double> lengths, List<IntervalScaling> scaling) {
        checkLengths(lengths, schedules.size());
        if (scaling.size() != schedules.size()) {
            throw new IllegalArgumentException("one interval scaling per schedule is needed");
        }
        this.schedules = List.copyOf(schedules);
        this.lengths = lengths.stream().mapToDouble(Double::doubleValue).toArray();
        this.scaling = List.copyOf(scaling);
    }

    /**
     * Checks the lengths of a composite schedule's children.
     *
     * @param lengths each child's fraction of the run
     * @param count the number of children
     * @throws InvalidScheduleException when there is no child, the counts differ, a length is
     *     outside {@code (0, 1]} or they do not sum to 1
     */
    public static void checkLengths(List<Double> lengths, int count) {
        if (count == 0) {
            throw new InvalidScheduleException(
                    "schedules",
                    "needs at least one schedule, e.g. [{type = linear}, {type = cosine}]");
        }
        if (lengths.size() != count) {
            throw new InvalidScheduleException(
                    "lengths",
                    "needs one length per schedule ("
                            + count
                            + "), got "
                            + lengths.size()
                            + ": "
                            + lengths);
        }
        double sum = 0;
        for (double length : lengths) {
            if (!(length > 0 && length <= 1)) {
                throw new InvalidScheduleException(
                        "lengths", "each length must be in (0, 1], got " + lengths);
            }
            sum += length;
        }
        if (Math.abs(sum - 1) >= LENGTH_TOLERANCE) {
            throw new InvalidScheduleException(
                    "lengths", "must sum to 1, got " + lengths + " (sum " + sum + ")");
        }
    }

    @Override
    public double value(double where) {
        int i = 0;
        double runningTotal = lengths[0];
        while (where + StepSchedule.WHERE_EPSILON > runningTotal && i < lengths.length - 1) {
            i++;
            runningTotal += lengths[i];
        }
        double childWhere = where;
        if (scaling.get(i) == IntervalScaling.RESCALED) {
            double start = runningTotal - lengths[i];
            childWhere = (where - start) / lengths[i];
        }
        return schedules.get(i).value(childWhere);
    }

    @Override
    public void observe(EventStorage storage) {
        for (ParamSchedule child : schedules) {
            child.observe(storage);
        }
    }

    @Override
    public boolean isStateful() {
        return schedules.stream().anyMatch(ParamSchedule::isStateful);
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = new LinkedHashMap<>();
        for (int i = 0; i < schedules.size(); i++) {
            if (schedules.get(i).isStateful()) {
                state.put(Integer.toString(i), new HashMap<>(schedules.get(i).saveState()));
            }
        }
        return state;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void loadState(Map<String, Object> state) {
        for (int i = 0; i < schedules.size(); i++) {
            Object saved = state.get(Integer.toString(i));
            if (schedules.get(i).isStateful() && saved instanceof Map<?, ?> map) {
                schedules.get(i).loadState((Map<String, Object>) map);
            }
        }
    }

    @Override
    public String toString() {
        return "composite" + schedules + " over " + java.util.Arrays.toString(lengths);
    }
}
