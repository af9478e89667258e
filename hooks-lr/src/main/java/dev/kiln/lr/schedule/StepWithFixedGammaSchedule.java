package dev.kiln.lr.schedule;

import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;

/**
 * {@code numDecays} equal steps down by {@code gamma} (fvcore's {@code
 * StepWithFixedGammaParamScheduler}): the values {@code base x gamma^i}, {@code i = 0..numDecays},
 * change every {@code ceil(numUpdates / (numDecays + 1))} iterations.
 */
public final class StepWithFixedGammaSchedule implements ParamSchedule {

    private final double base;
    private final double gamma;
    private final long stepWidth;
    private final int numDecays;
    private final long numUpdates;

    /**
     * @param base the value at the start
     * @param numDecays how many times the value is multiplied by gamma, {@code >= 1}
     * @param gamma the factor, {@code > 0}
     * @param numUpdates the iterations the schedule spans, {@code >= 1}
     */
    public StepWithFixedGammaSchedule(double base, int numDecays, double gamma, long numUpdates) {
        this.base = Checks.finite("base-value", base);
        if (numDecays < 1) {
            throw new InvalidScheduleException("num-decays", "must be >= 1, got " + numDecays);
        }
        this.numDecays = numDecays;
        this.gamma = Checks.positive("gamma", gamma);
        Checks.positive("max-iter", numUpdates);
        this.stepWidth = (numUpdates + numDecays) / (numDecays + 1); // ceil(n / (d + 1))
        this.numUpdates = numUpdates;
    }

    @Override
    public double value(double where) {
        long iteration = (long) Math.floor(where * numUpdates + 1e-6);
        long decays = Math.min(numDecays, iteration / stepWidth);
        return base * Math.pow(gamma, decays);
    }

    @Override
    public String toString() {
        return "step-with-fixed-gamma(" + base + ", " + numDecays + " x " + gamma + ")";
    }
}
