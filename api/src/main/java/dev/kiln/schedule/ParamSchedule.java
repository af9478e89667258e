package dev.kiln.schedule;

import dev.kiln.events.EventStorage;
import java.util.Map;

/**
 * A parameter's value as a function of training progress, after fvcore's {@code ParamScheduler}:
 * {@link #value} is called with {@code where = iteration / max-iter}, in {@code [0, 1)}. For the
 * learning rate the value is a multiplier of {@code kiln.solver.base-lr}.
 *
 * <p>Most schedules are pure functions of {@code where}, so a resumed run continues the same curve
 * from its iteration alone. A schedule driven by metrics (such as a plateau schedule) also reads
 * the event storage through {@link #observe} and saves its progress with {@link #saveState()};
 * the defaults do nothing, so a pure schedule implements {@link #value} only.
 */
@FunctionalInterface
public interface ParamSchedule {

    /**
     * @param where the progress of the run, {@code iteration / max-iter}, in {@code [0, 1)}
     * @return the value at that progress
     */
    double value(double where);

    /**
     * Lets the schedule read what training recorded; the scheduling hook calls it before each
     * {@link #value} and at the end of training.
     *
     * @param storage the storage of the running training
     */
    default void observe(EventStorage storage) {}

    /** @return whether {@link #saveState()} has something a resume needs */
    default boolean isStateful() {
        return false;
    }

    /** @return the schedule's progress as JSON-friendly values (numbers, strings, booleans) */
    default Map<String, Object> saveState() {
        return Map.of();
    }

    /**
     * Restores what {@link #saveState()} returned, possibly after a JSON round trip (numbers may
     * come back as any {@link Number}).
     *
     * @param state the saved state
     */
    default void loadState(Map<String, Object> state) {}
}
