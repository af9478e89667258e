package dev.kiln.schedule;

import com.typesafe.config.Config;

/**
 * What a {@link ScheduleProvider} creates a schedule from: its config section with the defaults
 * filled in, where that section is (for messages), the number of iterations the schedule spans,
 * and a way to build child schedules by their type.
 */
public interface ScheduleSection {

    /** @return the section: its keys, with defaults for those not given */
    Config config();

    /** @return the section's path, such as {@code kiln.my-schedule.schedules[1]} */
    String path();

    /**
     * @return the iterations the schedule spans ({@code kiln.solver.max-iter} for the top-level
     *     schedule; a rescaled child of a composite spans its own part), so that {@code where x
     *     maxIter()} counts iterations from the schedule's start
     */
    long maxIter();

    /** @return the base learning rate the schedule's values multiply */
    double baseLr();

    /**
     * Builds a child schedule (of a composite, say) by its {@code type}, checked like any other.
     *
     * @param child the child's own section, as written
     * @param childPath its path, such as {@code kiln.my-schedule.schedules[0]}
     * @param childMaxIter the iterations the child spans
     * @return the child schedule
     * @throws IllegalArgumentException naming the child's key and location if it is not valid
     */
    ParamSchedule build(Config child, String childPath, long childMaxIter);
}
