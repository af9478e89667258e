package dev.kiln.lr.schedule;

import dev.kiln.schedule.ParamSchedule;

/**
 * Polynomial decay to zero (fvcore's {@code PolynomialDecayParamScheduler}): {@code base x (1 -
 * where)^power}.
 */
public final class PolynomialSchedule implements ParamSchedule {

    private final double base;
    private final double power;

    /**
     * @param base the value at {@code where = 0}
     * @param power the exponent, {@code >= 0}
     */
    public PolynomialSchedule(double base, double power) {
        this.base = Checks.finite("base-value", base);
        this.power = Checks.nonNegative("power", power);
    }

    @Override
    public double value(double where) {
        return base * Math.pow(1 - where, power);
    }

    @Override
    public String toString() {
        return "polynomial(" + base + " x (1 - where)^" + power + ")";
    }
}
