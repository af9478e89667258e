package dev.kiln.lr.schedule;

import dev.kiln.schedule.ParamSchedule;

/**
 * A straight line from {@code start} to {@code end} (fvcore's {@code LinearParamScheduler}): {@code
 * end x where + start x (1 - where)}.
 */
public final class LinearSchedule implements ParamSchedule {

    private final double start;
    private final double end;

    /**
     * @param start the value at {@code where = 0}
     * @param end the value approached at {@code where = 1}
     */
    public LinearSchedule(double start, double end) {
        this.start = Checks.finite("start-value", start);
        this.end = Checks.finite("end-value", end);
    }

    @Override
    public double value(double where) {
        return end * where + start * (1 - where);
    }

    @Override
    public String toString() {
        return "linear(" + start + " -> " + end + ")";
    }
}
