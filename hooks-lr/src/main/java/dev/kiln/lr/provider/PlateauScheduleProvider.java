package dev.kiln.lr.provider;

import com.typesafe.config.Config;
import dev.kiln.lr.schedule.PlateauSchedule;
import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.Set;

/**
 * The schedule {@code plateau}: {@link PlateauSchedule} on the scalar {@code metric}, with {@code
 * min-lr} an absolute learning rate (the multiplier's floor is {@code min-lr / base-lr}).
 */
@KilnExtension(
        name = "plateau",
        description = "lowers the rate by factor when metric stops improving")
public final class PlateauScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("metric", "mode", "factor", "patience", "cooldown", "min-lr");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        Config config = section.config();
        double minLr = config.getDouble("min-lr");
        if (!(minLr >= 0)) {
            throw new InvalidScheduleException("min-lr", "must be >= 0, got " + minLr);
        }
        return new PlateauSchedule(
                config.hasPath("metric") ? config.getString("metric") : null,
                PlateauSchedule.Mode.parse(config.getString("mode")),
                config.getDouble("factor"),
                config.getInt("patience"),
                config.getInt("cooldown"),
                minLr / section.baseLr());
    }
}
