package dev.kiln.lr.provider;

import dev.kiln.lr.schedule.PolynomialSchedule;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.Set;

/** The schedule {@code polynomial}: base-value x (1 - progress)^power. */
@KilnExtension(name = "polynomial", description = "base-value x (1 - progress)^power")
public final class PolynomialScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("base-value", "power");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        return new PolynomialSchedule(
                section.config().getDouble("base-value"), section.config().getDouble("power"));
    }
}
