package dev.kiln.lr.provider;

import dev.kiln.lr.schedule.StepWithFixedGammaSchedule;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.Set;

/**
 * The schedule {@code step-with-fixed-gamma}: num-decays equal steps down by gamma from
 * base-value.
 */
@KilnExtension(
        name = "step-with-fixed-gamma",
        description = "num-decays equal steps down by gamma from base-value")
public final class StepWithFixedGammaScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("base-value", "num-decays", "gamma");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        return new StepWithFixedGammaSchedule(
                section.config().getDouble("base-value"),
                section.config().getInt("num-decays"),
                section.config().getDouble("gamma"),
                section.maxIter());
    }
}
