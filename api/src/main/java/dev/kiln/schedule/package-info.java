/**
 * The schedule extension point: {@link dev.kiln.schedule.ParamSchedule} (a value as a function of
 * training progress) and {@link dev.kiln.schedule.ScheduleProvider} (creating one by type from
 * its config section). The schedules themselves, and the hook applying them, come from plugins.
 */
package dev.kiln.schedule;
