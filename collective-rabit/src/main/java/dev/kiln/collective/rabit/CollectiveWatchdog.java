package dev.kiln.collective.rabit;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backstop behind Rabit's own timeout: a daemon thread that watches the one collective call
 * in progress and, when it has run longer than a limit, reports it.
 *
 * <p>Rabit's {@code dmlc_timeout} bounds each wait for a peer, so a dead or stopped peer normally
 * fails the call well before the limit. The watchdog is for what that does not cover (a call that
 * keeps making a little progress, a hang inside the library). The hung call cannot be turned into
 * an exception on its own thread: the thread is blocked in native code, which {@link
 * Thread#interrupt()} does not reach, and the communicator belongs to that thread, so no other
 * thread can shut it down. The default action therefore prints a diagnostic naming the rank, the
 * call and the limit, and halts the process with exit code 1 (training failed), without running
 * shutdown hooks that could block on the same communicator.
 */
final class CollectiveWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CollectiveWatchdog.class);

    private final Consumer<String> onHang;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> pending;

    /**
     * @param name the watcher thread's name
     * @param onHang what to do with the diagnostic of a call that took longer than its limit;
     *     called at most once per call
     */
    CollectiveWatchdog(String name, Consumer<String> onHang) {
        this.onHang = onHang;
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread thread = new Thread(r, name);
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    /** The default action: the diagnostic on stderr and in the log, then {@code halt(1)}. */
    static void halt(String diagnostic) {
        LOG.error(diagnostic);
        System.err.println("kiln: " + diagnostic);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    /**
     * Marks the start of a call; {@link #end()} marks its end.
     *
     * @param description the call for the diagnostic, e.g. {@code rank 0: all-reduce #3 of 10
     *     floats}
     * @param limitNanos how long the call may take
     */
    void begin(String description, long limitNanos) {
        end();
        pending =
                timer.schedule(
                        () ->
                                onHang.accept(
                                        description
                                                + " did not return within "
                                                + seconds(limitNanos)
                                                + ", although the collective's own timeout should"
                                                + " have ended it: a peer rank probably died or"
                                                + " stopped. Exiting."),
                        limitNanos,
                        TimeUnit.NANOSECONDS);
    }

    /** Marks the end of the call {@link #begin} started: its report is called off. */
    void end() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    static String seconds(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        if (ms < 1000) {
            return ms + " ms";
        }
        return ms % 1000 == 0
                ? ms / 1000 + " s"
                : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
