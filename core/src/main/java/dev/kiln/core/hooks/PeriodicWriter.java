package dev.kiln.core.hooks;

import dev.kiln.events.EventWriter;
import dev.kiln.train.HookBase;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls every {@link EventWriter} each {@code period} iterations and after the last one, and
 * closes them when training ends. Register it last so it sees what other hooks put in the
 * iteration (evaluation results, the learning rate).
 */
public final class PeriodicWriter extends HookBase {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicWriter.class);

    /** The period used when none is configured. */
    public static final int DEFAULT_PERIOD = 20;

    private final List<EventWriter> writers;
    private final int period;
    private final boolean resuming;
    private long lastWritten = -1;

    /**
     * Creates the hook.
     *
     * @param writers the writers, called in order
     * @param period write every this many iterations; at least 1
     */
    public PeriodicWriter(List<? extends EventWriter> writers, int period) {
        this(writers, period, false);
    }

    /**
     * Creates the hook for a run that may continue an earlier one in its directory.
     *
     * @param writers the writers, called in order
     * @param period write every this many iterations; at least 1
     * @param resuming whether the run resumes (as {@code kiln.resume} asks): then the writers
     *     hear {@link EventWriter#resumeAt} before training even when it starts at iteration 0,
     *     as a run resumed in a directory without a checkpoint does, so that they drop what the
     *     interrupted run wrote
     */
    public PeriodicWriter(List<? extends EventWriter> writers, int period, boolean resuming) {
        if (period < 1) {
            throw new IllegalArgumentException("writer period must be at least 1, was " + period);
        }
        this.writers = List.copyOf(writers);
        this.period = period;
        this.resuming = resuming;
    }

    @Override
    public String name() {
        return "periodic-writer";
    }

    @Override
    public void beforeTrain() {
        if (resuming || trainer().startIter() > 0) {
            for (EventWriter w : writers) {
                w.resumeAt(trainer().startIter());
            }
        }
    }

    @Override
    public void afterStep() {
        long iter = trainer().iter();
        if ((iter + 1) % period == 0 || iter == trainer().maxIter() - 1) {
            writeAll(iter);
        }
    }

    @Override
    public void afterTrain() {
        RuntimeException failure = null;
        try {
            long last = trainer().iter() - 1;
            if (last >= trainer().startIter() && last != lastWritten) {
                trainer().storage().setIter(last);
                writeAll(last);
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        for (EventWriter w : writers) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.error("Closing writer {} failed", w.getClass().getName(), e);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void writeAll(long iter) {
        for (EventWriter w : writers) {
            w.write(trainer().storage());
        }
        lastWritten = iter;
    }
}
