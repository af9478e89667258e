package dev.kiln.core.hooks;

import dev.kiln.core.events.ConsoleWriter;
import dev.kiln.train.HookBase;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the time of each step as the scalar {@code time}, and at the end logs the iterations
 * run, the total time, the seconds per iteration (without the first few warm-up iterations) and
 * the time spent in hooks. Register it first so its numbers cover the whole run.
 *
 * <p>All times are on the trainer's clock. A step's time is {@link
 * dev.kiln.train.TrainerView#lastStepSeconds()}: the whole {@code runStep}, so it includes the data
 * fetch ({@code data_time}) and every hook's {@code afterBackward}, and leaves out every hook's
 * {@code beforeStep} and {@code afterStep}. The total runs from this hook's {@code beforeTrain} to
 * its {@code afterTrain}; the time "on hooks" is the total less the steps' times: the {@code
 * beforeTrain} of the hooks after this one, every {@code beforeStep} and {@code afterStep}, and the
 * trainer's own work between steps. The {@code afterTrain} of the hooks after this one (a final
 * evaluation or checkpoint) runs after it and is in neither.
 */
public final class IterationTimer extends HookBase {

    private static final Logger LOG = LoggerFactory.getLogger(IterationTimer.class);

    private final int warmupIters;
    private long trainStartNanos;
    private long stepNanosTotal;
    private long stepNanosAfterWarmup;
    private long iterations;

    /** A timer that leaves the first 3 iterations out of the speed. */
    public IterationTimer() {
        this(3);
    }

    /**
     * Creates a timer.
     *
     * @param warmupIters how many first iterations the reported speed leaves out
     */
    public IterationTimer(int warmupIters) {
        this.warmupIters = warmupIters;
    }

    @Override
    public String name() {
        return "iteration-timer";
    }

    @Override
    public void beforeTrain() {
        trainStartNanos = trainer().nanoTime();
        stepNanosTotal = 0;
        stepNanosAfterWarmup = 0;
        iterations = 0;
    }

    @Override
    public void afterStep() {
        double seconds = trainer().lastStepSeconds();
        long nanos = (long) (seconds * 1e9);
        trainer().storage().putScalar("time", seconds);
        stepNanosTotal += nanos;
        if (iterations >= warmupIters) {
            stepNanosAfterWarmup += nanos;
        }
        iterations++;
    }

    @Override
    public void afterTrain() {
        double totalSeconds = (trainer().nanoTime() - trainStartNanos) / 1e9;
        double hookSeconds = Math.max(0, totalSeconds - stepNanosTotal / 1e9);
        long timed = iterations - warmupIters;
        if (timed > 0) {
            double perIter = stepNanosAfterWarmup / 1e9 / timed;
            LOG.info(
                    "Overall training speed: {} iterations in {} ({} s / it)",
                    timed,
                    ConsoleWriter.formatDuration((long) (perIter * timed)),
                    String.format(Locale.ROOT, "%.4f", perIter));
        }
        LOG.info(
                "Total training time: {} ({} on hooks), {} iterations",
                ConsoleWriter.formatDuration((long) totalSeconds),
                ConsoleWriter.formatDuration((long) hookSeconds),
                iterations);
    }
}
