package dev.kiln.collective.rabit;

import dev.kiln.collective.Collective;
import dev.kiln.collective.CollectiveException;
import dev.kiln.collective.CollectiveProvider;
import dev.kiln.collective.Coordinator;
import dev.kiln.spi.KilnExtension;
import java.time.Duration;
import java.util.Map;
import ml.dmlc.xgboost4j.java.RabitTracker;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The {@code rabit} collective: XGBoost4J's Rabit communicator (a ring all-reduce over TCP) and its
 * tracker.
 *
 * <ul>
 *   <li>{@link #coordinate(int, Duration)} starts the tracker on 127.0.0.1 and an ephemeral port,
 *       {@link #coordinate(String, int, Duration)} on the given address of this machine (a Spark
 *       driver's, which executors on other hosts reach; {@code kiln.distributed.host}); its
 *       coordinates are {@code dmlc_tracker_uri} (that address), {@code dmlc_tracker_port} and
 *       {@code kiln_connect_timeout_s}. The tracker itself waits for the ranks without a limit:
 *       Rabit's tracker counts its wait from its own start, before the workers' JVMs have even
 *       started, so a limit shorter than their start-up refuses them all (with {@code
 *       kiln.distributed.timeout = 1s} every {@code --nproc} run failed so, and 5 s sometimes did
 *       on a busy 2-core machine). The wait stays bounded where it matters: each rank that joined
 *       waits for the others at most the timeout given at {@link #join}, and the launcher closes
 *       the coordinator when its workers ended. The connect timeout goes to the ranks as {@code
 *       kiln_connect_timeout_s}, which bounds the watchdog of their join.
 *   <li>{@link #join} initialises the calling thread's communicator with task id {@code rank},
 *       zero-padded so that the tracker, which orders task ids as strings, gives rank {@code
 *       rank}; with {@code dmlc_timeout} set from the timeout (rounded up to whole seconds); and
 *       checks the rank and world size the tracker gave.
 *   <li>Each all-reduce is size-guarded and its native return code checked (see {@link
 *       RabitCollective}); a call that outlives twice the timeout plus 10 s despite Rabit's own
 *       timeout halts the process after a diagnostic (see {@link CollectiveWatchdog}).
 * </ul>
 *
 * <p>Loading the native library copies it (17.7 MB) into {@code java.io.tmpdir} each time a JVM
 * loads it; a JVM that exits deletes its copy, one that is killed (or halted by the watchdog)
 * leaves it behind. A launcher should give its workers a per-run {@code -Djava.io.tmpdir} and
 * delete it afterwards.
 */
@KilnExtension(
        name = "rabit",
        description = "all-reduce across worker processes with XGBoost4J's Rabit communicator")
public final class RabitCollectiveProvider implements CollectiveProvider {

    /** The interface the tracker binds unless given another. */
    static final String HOST = "127.0.0.1";

    @Override
    public Coordinator coordinate(int worldSize, Duration connectTimeout) {
        return coordinate(HOST, worldSize, connectTimeout);
    }

    @Override
    public Coordinator coordinate(String host, int worldSize, Duration connectTimeout) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be at least 1: " + worldSize);
        }
        long seconds = wholeSeconds(connectTimeout, "connect timeout");
        RabitTracker tracker;
        try {
            // no timeout of the tracker's own: see the class comment
            tracker = new RabitTracker(worldSize, host, 0, 0);
        } catch (XGBoostError e) {
            throw new CollectiveException(
                    "coordinator: creating the Rabit tracker for "
                            + worldSize
                            + " ranks on "
                            + host
                            + " failed: "
                            + RabitCollective.summary(e.getMessage()),
                    e);
        }
        try {
            if (!tracker.start()) {
                throw new CollectiveException(
                        "coordinator: the Rabit tracker for " + worldSize + " ranks did not start");
            }
            return new RabitCoordinator(tracker, tracker.getWorkerArgs(), seconds);
        } catch (XGBoostError e) {
            try {
                tracker.stop();
            } catch (XGBoostError ignored) {
                // the start failure is what matters
            }
            throw new CollectiveException(
                    "coordinator: starting the Rabit tracker for "
                            + worldSize
                            + " ranks failed: "
                            + RabitCollective.summary(e.getMessage()),
                    e);
        }
    }

    @Override
    public Collective join(
            Map<String, String> coordinates, int rank, int worldSize, Duration timeout) {
        return RabitCollective.join(
                coordinates, rank, worldSize, timeout, CollectiveWatchdog::halt);
    }

    /** @return the duration in whole seconds, rounded up */
    static long wholeSeconds(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be positive: " + d);
        }
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }
}
