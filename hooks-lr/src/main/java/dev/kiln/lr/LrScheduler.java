package dev.kiln.lr;

import com.typesafe.config.Config;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.KilnExtension;
import dev.kiln.train.HookBase;
import dev.kiln.train.StatefulHook;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;

/**
 * The hook {@code lr-scheduler}: before each step it sets the optimizer's learning rate to {@code
 * base-lr x schedule(iteration / max-iter)}, after detectron2's {@code LRMultiplier}. The rate
 * depends only on the trainer's iteration (and, for a metric-driven schedule, on its saved
 * state), so a resumed run continues the same curve. The trainer records the rate of each step
 * as {@code lr}.
 *
 * <p>Its schedule is {@code kiln.lr-schedule}, of any type a schedule extension provides; with
 * none configured the rate stays {@code base-lr}. It is stateful when its schedule is (a
 * plateau), under the name {@code lr-scheduler}.
 */
@KilnExtension(
        name = LrScheduler.NAME,
        description = "sets the learning rate before each step: base-lr x kiln.lr-schedule")
public final class LrScheduler extends HookBase implements StatefulHook {

    /** The hook's name, and the key of its state in checkpoints. */
    public static final String NAME = "lr-scheduler";

    private final StatefulOptimizer optimizer;
    private final double baseLr;
    private final ParamSchedule schedule;

    /**
     * Creates the hook of a run: the schedule {@code kiln.lr-schedule}, its types from the
     * installed schedule extensions.
     *
     * @param kiln the run's config, the {@code kiln} tree
     * @param defaults the merged defaults of every {@code reference.conf}, the {@code kiln} tree
     * @param optimizer the optimizer whose rate is set
     * @param extensions the installed extensions, for the schedule types
     */
    @Inject
    public LrScheduler(
            @Named("kiln") Config kiln,
            @Named("kiln-defaults") Config defaults,
            StatefulOptimizer optimizer,
            Extensions extensions) {
        this(
                optimizer,
                kiln.getDouble("solver.base-lr"),
                new ScheduleBuilder(
                                extensions.names(ExtensionPoints.SCHEDULE),
                                type -> extensions.create(ExtensionPoints.SCHEDULE, type),
                                defaults.getConfig(ScheduleBuilder.KEY),
                                kiln.getDouble("solver.base-lr"))
                        .build(
                                kiln.getConfig(ScheduleBuilder.KEY),
                                kiln.getInt("solver.max-iter")));
    }

    /**
     * Creates the hook for a schedule of one's own.
     *
     * @param optimizer the optimizer whose rate is set
     * @param baseLr the rate the schedule's values multiply
     * @param schedule the schedule
     */
    public LrScheduler(StatefulOptimizer optimizer, double baseLr, ParamSchedule schedule) {
        this.optimizer = optimizer;
        this.baseLr = baseLr;
        this.schedule = schedule;
    }

    /** @return the schedule */
    public ParamSchedule schedule() {
        return schedule;
    }

    /**
     * The learning rate at an iteration, without reading the storage.
     *
     * @param iteration the iteration
     * @param maxIter the iterations of the run
     * @return {@code base-lr x schedule(iteration / maxIter)}
     */
    public double rateAt(long iteration, long maxIter) {
        return baseLr * schedule.value((double) iteration / maxIter);
    }

    @Override
    public void beforeStep() {
        schedule.observe(trainer().storage());
        optimizer.setLearningRate((float) rateAt(trainer().iter(), trainer().maxIter()));
    }

    /** Lets a metric-driven schedule see the last values put, so a resume does not miss them. */
    @Override
    public void afterTrain() {
        schedule.observe(trainer().storage());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean hasState() {
        return schedule.isStateful();
    }

    @Override
    public Map<String, Object> saveState() {
        return schedule.saveState();
    }

    @Override
    public void loadState(Map<String, Object> state) {
        schedule.loadState(state);
    }

    @Override
    public String toString() {
        return NAME + ": " + baseLr + " x " + schedule;
    }
}
