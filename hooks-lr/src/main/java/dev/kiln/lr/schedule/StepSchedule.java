package dev.kiln.lr.schedule;

import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;
import java.util.List;

/**
 * Values over equal parts of the run (fvcore's {@code StepParamScheduler}): with {@code n} values,
 * value {@code i} holds for {@code where} in {@code [i/n, (i+1)/n)}.
 */
public final class StepSchedule implements ParamSchedule {

    /** fvcore's tolerance, so that {@code where = i/n} in floating point lands in part i. */
    static final double WHERE_EPSILON = 1e-6;

    private final double[] values;

    /** @param values the values, at least one, each finite */
    public StepSchedule(List<Double> values) {
        if (values.isEmpty()) {
            throw new InvalidScheduleException("values", "needs at least one value, e.g. [1, 0.1]");
        }
        this.values = values.stream().mapToDouble(v -> Checks.finite("values", v)).toArray();
    }

    @Override
    public double value(double where) {
        int index = (int) ((where + WHERE_EPSILON) * values.length);
        return values[Math.max(0, Math.min(index, values.length - 1))];
    }

    @Override
    public String toString() {
        return "step" + java.util.Arrays.toString(values);
    }
}
