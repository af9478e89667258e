package dev.kiln.lr.provider;

import dev.kiln.lr.schedule.ConstantSchedule;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.Set;

/** The schedule {@code constant}: the same multiplier over the whole run (value). */
@KilnExtension(name = "constant", description = "the same multiplier over the whole run (value)")
public final class ConstantScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("value");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        return new ConstantSchedule(section.config().getDouble("value"));
    }
}
