package dev.kiln.lr.schedule;

import dev.kiln.schedule.ParamSchedule;

/** The same value over the whole run (fvcore's {@code ConstantParamScheduler}). */
public final class ConstantSchedule implements ParamSchedule {

    private final double value;

    /** @param value the value, finite */
    public ConstantSchedule(double value) {
        this.value = Checks.finite("value", value);
    }

    @Override
    public double value(double where) {
        return value;
    }

    @Override
    public String toString() {
        return "constant(" + value + ")";
    }
}
