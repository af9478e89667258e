package dev.kiln.lr.schedule;

import dev.kiln.schedule.InvalidScheduleException;

/** The argument checks the schedules share; each failure names the parameter's config key. */
final class Checks {

    private Checks() {}

    static double finite(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new InvalidScheduleException(key, "must be a finite number, got " + value);
        }
        return value;
    }

    static double nonNegative(String key, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new InvalidScheduleException(key, "must be >= 0, got " + value);
        }
        return value;
    }

    static double positive(String key, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new InvalidScheduleException(key, "must be > 0, got " + value);
        }
        return value;
    }

    static long positive(String key, long value) {
        if (value <= 0) {
            throw new InvalidScheduleException(key, "must be >= 1, got " + value);
        }
        return value;
    }
}
