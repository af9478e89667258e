package dev.kiln.evaluation;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The timing and the log lines of one {@link Inference} run: the first batches are a warm-up left
 * out of the timing; progress with an ETA at most every {@link #LOG_PERIOD}; one summary line of
 * the time per batch at the end.
 */
final class InferenceProgress {

    /** The shortest time between two progress lines. */
    static final Duration LOG_PERIOD = Duration.ofSeconds(5);

    private final Logger log;
    private final LongSupplier clock;
    private final int batches;
    private final int warmup;
    private final long start;
    private long lastLog;
    private long timedStart;
    private long dataNanos;
    private long computeNanos;
    private long evalNanos;
    private int done;

    /**
     * @param log where the lines go
     * @param clock nanoseconds, as {@link System#nanoTime()}
     * @param batches how many batches the run has
     * @param warmup how many first batches are left out of the timing
     */
    InferenceProgress(Logger log, LongSupplier clock, int batches, int warmup) {
        this.log = log;
        this.clock = clock;
        this.batches = batches;
        this.warmup = warmup;
        this.start = clock.getAsLong();
        this.lastLog = start;
        this.timedStart = start;
    }

    /** @return the clock's time now */
    long now() {
        return clock.getAsLong();
    }

    /**
     * Records one batch done.
     *
     * @param dataStart when fetching its data started
     * @param computeStart when its forward pass started
     * @param evalStart when the evaluator started on it
     * @param end when the evaluator was done with it
     */
    void batchDone(long dataStart, long computeStart, long evalStart, long end) {
        done++;
        if (done == warmup) {
            timedStart = end;
            return;
        }
        if (done < warmup) {
            return;
        }
        dataNanos += computeStart - dataStart;
        computeNanos += evalStart - computeStart;
        evalNanos += end - evalStart;
        if (done < batches && end - lastLog >= LOG_PERIOD.toNanos()) {
            lastLog = end;
            int timed = done - warmup;
            double total = seconds(end - timedStart) / timed;
            log.info(
                    String.format(
                            Locale.ROOT,
                            "Inference done %d/%d. Dataloading: %.4f s/batch. Inference: %.4f"
                                    + " s/batch. Eval: %.4f s/batch. Total: %.4f s/batch. ETA=%s",
                            done,
                            batches,
                            seconds(dataNanos) / timed,
                            seconds(computeNanos) / timed,
                            seconds(evalNanos) / timed,
                            total,
                            clockText(total * (batches - done))));
        }
    }

    /** @return the seconds per batch of the timed batches, NaN when none was timed */
    double secondsPerBatch() {
        int timed = done - warmup;
        return timed > 0 ? seconds(clock.getAsLong() - timedStart) / timed : Double.NaN;
    }

    /** Logs the summary: total time, time per batch, compute time per batch. */
    void finish() {
        long end = clock.getAsLong();
        int timed = done - warmup;
        log.info(
                String.format(
                        Locale.ROOT,
                        "Total inference time: %s (%.6f s / batch, on %d batches after %d warm-up"
                                + " batches); pure compute time: %.6f s / batch",
                        clockText(seconds(end - start)),
                        timed > 0 ? seconds(end - timedStart) / timed : Double.NaN,
                        timed,
                        warmup,
                        timed > 0 ? seconds(computeNanos) / timed : Double.NaN));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** {@code h:mm:ss}, as an ETA is usually written. */
    static String clockText(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
