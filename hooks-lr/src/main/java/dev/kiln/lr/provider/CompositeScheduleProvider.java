package dev.kiln.lr.provider;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.lr.schedule.CompositeSchedule;
import dev.kiln.lr.schedule.CompositeSchedule.IntervalScaling;
import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The schedule {@code composite}: {@code schedules} (each a section with its own {@code type})
 * one after the other over fractions {@code lengths} of the run, each seeing its part as {@code
 * [0, 1)} ({@code interval-scaling = rescaled}) or the run's progress ({@code fixed}). A rescaled
 * child spans {@code length x max-iter} iterations, so its milestones count from its own start.
 */
@KilnExtension(
        name = "composite",
        description = "schedules one after the other over lengths of the run")
public final class CompositeScheduleProvider implements ScheduleProvider {

    @Override
    public Set<String> keys() {
        return Set.of("schedules", "lengths", "interval-scaling");
    }

    @Override
    public ParamSchedule create(ScheduleSection section) {
        Config config = section.config();
        List<? extends ConfigValue> children = config.getList("schedules");
        List<Double> lengths = config.getDoubleList("lengths");
        CompositeSchedule.checkLengths(lengths, children.size());
        IntervalScaling scaling = parseScaling(config.getString("interval-scaling"));
        List<ParamSchedule> schedules = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            ConfigValue child = children.get(i);
            if (child.valueType() != ConfigValueType.OBJECT) {
                throw new InvalidScheduleException(
                        "schedules",
                        "each schedule is an object with a type, e.g. {type = cosine}; element "
                                + i
                                + " is a "
                                + child.valueType().name().toLowerCase(java.util.Locale.ROOT));
            }
            long span =
                    scaling == IntervalScaling.RESCALED
                            ? Math.max(1, Math.round(lengths.get(i) * section.maxIter()))
                            : section.maxIter();
            schedules.add(
                    section.build(
                            ((ConfigObject) child).toConfig(),
                            section.path() + ".schedules[" + i + "]",
                            span));
        }
        return new CompositeSchedule(
                schedules, lengths, Collections.nCopies(schedules.size(), scaling));
    }

    private static IntervalScaling parseScaling(String name) {
        switch (name) {
            case "rescaled":
                return IntervalScaling.RESCALED;
            case "fixed":
                return IntervalScaling.FIXED;
            default:
                throw new InvalidScheduleException(
                        "interval-scaling",
                        "unknown interval scaling \"" + name + "\"; known: rescaled, fixed");
        }
    }
}
