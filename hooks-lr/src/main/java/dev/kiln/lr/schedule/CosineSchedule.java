package dev.kiln.lr.schedule;

import dev.kiln.schedule.ParamSchedule;

/**
 * Half a cosine from {@code start} to {@code end} (fvcore's {@code CosineParamScheduler}): {@code
 * end + (start - end) / 2 x (1 + cos(pi x where))}.
 */
public final class CosineSchedule implements ParamSchedule {

    private final double start;
    private final double end;

    /**
     * @param start the value at {@code where = 0}
     * @param end the value approached at {@code where = 1}
     */
    public CosineSchedule(double start, double end) {
        this.start = Checks.finite("start-value", start);
        this.end = Checks.finite("end-value", end);
    }

    @Override
    public double value(double where) {
        return end + 0.5 * (start - end) * (1 + Math.cos(Math.PI * where));
    }

    @Override
    public String toString() {
        return "cosine(" + start + " -> " + end + ")";
    }
}
