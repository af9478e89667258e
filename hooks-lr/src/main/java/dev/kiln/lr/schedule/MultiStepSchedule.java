package dev.kiln.lr.schedule;

import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Values that change at given iterations (fvcore's {@code MultiStepParamScheduler}): value {@code
 * i} holds from milestone {@code i - 1} (iteration 0 for the first) until milestone {@code i}, the
 * iteration being {@code where x numUpdates}.
 */
public final class MultiStepSchedule implements ParamSchedule {

    /** Iterations are whole numbers: this absorbs the rounding of {@code (i / n) x n}. */
    private static final double ITERATION_EPSILON = 1e-6;

    private final double[] values;
    private final long[] milestones;
    private final long numUpdates;

    /**
     * @param values the values, one more than milestones
     * @param milestones the iterations where the next value starts, strictly increasing, each in
     *     {@code (0, numUpdates)}
     * @param numUpdates the iterations the schedule spans, {@code >= 1}
     */
    public MultiStepSchedule(List<Double> values, List<Long> milestones, long numUpdates) {
        this.numUpdates = Checks.positive("max-iter", numUpdates);
        long previous = 0;
        for (long milestone : milestones) {
            if (milestone <= previous || milestone >= numUpdates) {
                throw new InvalidScheduleException(
                        "milestones",
                        "must be strictly increasing iterations, each > 0 and < max-iter ("
                                + numUpdates
                                + "); got "
                                + milestones);
            }
            previous = milestone;
        }
        if (values.size() != milestones.size() + 1) {
            throw new InvalidScheduleException(
                    "values",
                    "needs one value more than milestones ("
                            + milestones.size()
                            + "), got "
                            + values.size());
        }
        this.values = values.stream().mapToDouble(v -> Checks.finite("values", v)).toArray();
        this.milestones = milestones.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The usual step decay (detectron2's {@code WarmupMultiStepLR}): 1 until the first milestone,
     * then {@code gamma}, {@code gamma^2}, ...
     *
     * @param milestones the iterations where the value is multiplied by gamma
     * @param gamma the factor, {@code > 0}
     * @param numUpdates the iterations the schedule spans
     * @return the schedule
     */
    public static MultiStepSchedule withGamma(
            List<Long> milestones, double gamma, long numUpdates) {
        Checks.positive("gamma", gamma);
        List<Double> values = new ArrayList<>();
        for (int k = 0; k <= milestones.size(); k++) {
            values.add(Math.pow(gamma, k));
        }
        return new MultiStepSchedule(values, milestones, numUpdates);
    }

    @Override
    public double value(double where) {
        double iteration = where * numUpdates + ITERATION_EPSILON;
        int index = 0;
        while (index < milestones.length && milestones[index] <= iteration) {
            index++;
        }
        return values[index];
    }

    @Override
    public String toString() {
        return "multi-step(" + Arrays.toString(values) + " at " + Arrays.toString(milestones) + ")";
    }
}
