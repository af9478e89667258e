package dev.kiln.lr.provider;

import dev.kiln.lr.schedule.ExponentialSchedule;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.Set;

/** The schedule {@code exponential}: start-value x decay^progress. */
@KilnExtension(name = "exponential", description = "start-value x decay^progress")
public final class ExponentialScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("start-value", "decay");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        return new ExponentialSchedule(
                section.config().getDouble("start-value"), section.config().getDouble("decay"));
    }
}
