package dev.kiln.lr.provider;

import dev.kiln.lr.schedule.StepSchedule;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.Set;

/** The schedule {@code step}: values over equal parts of the run. */
@KilnExtension(name = "step", description = "values over equal parts of the run")
public final class StepScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("values");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        return new StepSchedule(section.config().getDoubleList("values"));
    }
}
