package dev.kiln.lr.provider;

import dev.kiln.lr.schedule.MultiStepSchedule;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.Set;

/** The schedule {@code multi-step}: multiplied by gamma at each of the milestones (iterations). */
@KilnExtension(
        name = "multi-step",
        description = "multiplied by gamma at each of the milestones (iterations)")
public final class MultiStepScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("milestones", "gamma");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        return MultiStepSchedule.withGamma(
                section.config().getLongList("milestones"),
                section.config().getDouble("gamma"),
                section.maxIter());
    }
}
