/**
 * The schedule extension point: {@link dev.kiln.schedule.ParamSchedule} (a value as a function of
 * training progress) and {@link dev.kiln.schedule.ScheduleProvider} (creating one by type from
 * its config section). The built-in schedules and the hook applying them live in the {@code
 * kiln-hooks-lr} plugin.
 */
package dev.kiln.schedule;
