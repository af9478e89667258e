package dev.kiln.lr.provider;

import dev.kiln.lr.schedule.CosineSchedule;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.Set;

/** The schedule {@code cosine}: half a cosine from start-value to end-value. */
@KilnExtension(name = "cosine", description = "half a cosine from start-value to end-value")
public final class CosineScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("start-value", "end-value");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        return new CosineSchedule(
                section.config().getDouble("start-value"), section.config().getDouble("end-value"));
    }
}
