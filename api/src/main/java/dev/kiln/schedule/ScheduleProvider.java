package dev.kiln.schedule;

import java.util.Set;

/**
 * Creates a {@link ParamSchedule} of one type from its config section: the schedule extension
 * point, selected by the {@code type} key of the schedule section that the plugin applying
 * schedules declares (and by the {@code type} of each child of a composite schedule). An
 * implementation carries {@code @KilnExtension(name = "<type>")}, is listed in {@code
 * META-INF/services/dev.kiln.schedule.ScheduleProvider} and declares the defaults of its keys in
 * that section of its jar's {@code reference.conf}, so the validator knows their types.
 */
public interface ScheduleProvider {

    /**
     * @return the keys of a schedule section this type reads, besides {@code type} and {@code
     *     warmup} (which every type takes); another key set in its section is an error
     */
    Set<String> keys();

    /**
     * Creates the schedule.
     *
     * @param section the schedule's section, with the defaults filled in, and how to build
     *     children
     * @return the schedule
     * @throws InvalidScheduleException naming the key whose value is not valid
     */
    ParamSchedule create(ScheduleSection section);
}
