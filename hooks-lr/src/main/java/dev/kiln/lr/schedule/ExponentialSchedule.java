package dev.kiln.lr.schedule;

import dev.kiln.schedule.ParamSchedule;

/**
 * Exponential decay over the run (fvcore's {@code ExponentialParamScheduler}): {@code start x
 * decay^where}, so the value approaches {@code start x decay} at the end.
 */
public final class ExponentialSchedule implements ParamSchedule {

    private final double start;
    private final double decay;

    /**
     * @param start the value at {@code where = 0}
     * @param decay the factor reached over the whole run, {@code > 0}
     */
    public ExponentialSchedule(double start, double decay) {
        this.start = Checks.finite("start-value", start);
        this.decay = Checks.positive("decay", decay);
    }

    @Override
    public double value(double where) {
        return start * Math.pow(decay, where);
    }

    @Override
    public String toString() {
        return "exponential(" + start + " x " + decay + "^where)";
    }
}
