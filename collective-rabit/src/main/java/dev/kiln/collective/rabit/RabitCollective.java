package dev.kiln.collective.rabit;

import dev.kiln.collective.Collective;
import dev.kiln.collective.CollectiveException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.Communicator;
import ml.dmlc.xgboost4j.java.KilnRabitBridge;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rank of a Rabit group: XGBoost4J's communicator of the thread that joined.
 *
 * <p>Every all-reduce is preceded by a size guard: an all-reduce (MAX) of two longs, {@code
 * [count, -count]}, which gives every rank the largest and smallest count of the group. Ranks that
 * disagree on the count all fail with the same message before any data is exchanged. (Without it,
 * Rabit "sums" mismatched buffers without an error on one rank and fails on the other.) It costs
 * one small round trip per call; see docs/scaling.md for the measured figure. A call number in the
 * header would add nothing: the ranks' calls meet in sequence, so every rank's k-th call always
 * meets the others' k-th.
 *
 * <p>The data goes through a direct buffer of this collective (Rabit's entry point takes a {@link
 * ByteBuffer}, and a {@link FloatBuffer} does not reveal the one it views): two bulk copies of
 * {@code count} floats, measured at 1-1.7 ms per million floats against 7 ms for the all-reduce of
 * 2 ranks itself (docs/scaling.md).
 */
final class RabitCollective implements Collective {

    private static final Logger LOG = LoggerFactory.getLogger(RabitCollective.class);

    /** Rabit's key for the longest wait on a peer, in seconds ({@code dmlc_timeout_sec} is not). */
    static final String TIMEOUT_KEY = "dmlc_timeout";

    /** Rabit's key for the number of attempts of each connection. */
    static final String RETRY_KEY = "dmlc_retry";

    private static final long WATCHDOG_MARGIN_NANOS = Duration.ofSeconds(10).toNanos();

    private final int rank;
    private final int worldSize;
    private final Duration timeout;
    private final Thread owner;
    private final CollectiveWatchdog watchdog;
    private final ByteBuffer header = ByteBuffer.allocateDirect(2 * Long.BYTES).order(order());
    private ByteBuffer scratch = ByteBuffer.allocateDirect(0).order(order());
    private FloatBuffer scratchFloats = scratch.asFloatBuffer();
    private long calls;
    private String failure;
    private boolean closed;

    private RabitCollective(
            int rank, int worldSize, Duration timeout, CollectiveWatchdog watchdog) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeout = timeout;
        this.watchdog = watchdog;
        this.owner = Thread.currentThread();
    }

    /**
     * Joins on the calling thread; see {@link RabitCollectiveProvider#join}.
     *
     * @param onHang the watchdog's action
     */
    static RabitCollective join(
            Map<String, String> coordinates,
            int rank,
            int worldSize,
            Duration timeout,
            Consumer<String> onHang) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be at least 1: " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException(
                    "rank "
                            + rank
                            + " is not in 0.."
                            + (worldSize - 1)
                            + " (world size "
                            + worldSize
                            + ")");
        }
        long timeoutSeconds = RabitCollectiveProvider.wholeSeconds(timeout, "timeout");
        String where = "rank " + rank + ": joining a group of " + worldSize + " ranks";
        Map<String, Object> config =
                initConfig(coordinates, rank, worldSize, timeoutSeconds, where);
        long joinLimit =
                2 * timeout.toNanos()
                        + WATCHDOG_MARGIN_NANOS
                        + TimeUnit.SECONDS.toNanos(connectSeconds(coordinates, where));
        CollectiveWatchdog watchdog =
                new CollectiveWatchdog("kiln-collective-watchdog-rank-" + rank, onHang);
        String tracker = config.get("dmlc_tracker_uri") + ":" + config.get("dmlc_tracker_port");
        long started = System.nanoTime();
        watchdog.begin(where + " at " + tracker, joinLimit);
        int verbosity = quiet();
        try {
            Communicator.init(config);
        } catch (XGBoostError e) {
            watchdog.close();
            throw JoinFailure.of(
                    rank,
                    worldSize,
                    tracker,
                    (int) config.get(RETRY_KEY),
                    timeoutSeconds,
                    System.nanoTime() - started,
                    e);
        } finally {
            watchdog.end();
            restore(verbosity);
        }
        int joinedRank;
        int joinedWorld;
        try {
            joinedRank = Communicator.getRank();
            joinedWorld = Communicator.getWorldSize();
        } catch (XGBoostError e) {
            leave(watchdog);
            throw new CollectiveException(
                    where + ": the communicator has no rank: " + summary(e.getMessage()), e);
        }
        if (joinedRank != rank || joinedWorld != worldSize) {
            leave(watchdog);
            throw new CollectiveException(
                    where
                            + " failed: the tracker made it rank "
                            + joinedRank
                            + " of "
                            + joinedWorld
                            + (joinedWorld != worldSize
                                    ? " ranks; the world size given to this rank and to the"
                                            + " coordinator differ"
                                    : "; each rank in 0.." + (worldSize - 1) + " must join once"));
        }
        LOG.debug(
                "rank {} of {} joined in {}",
                rank,
                worldSize,
                CollectiveWatchdog.seconds(System.nanoTime() - started));
        return new RabitCollective(rank, worldSize, timeout, watchdog);
    }

    /** @return the coordinator's connect timeout in seconds, 0 if the coordinates lack it */
    private static long connectSeconds(Map<String, String> coordinates, String where) {
        String value = coordinates.getOrDefault(RabitCoordinator.CONNECT_TIMEOUT_KEY, "0");
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new CollectiveException(
                    where
                            + ": "
                            + RabitCoordinator.CONNECT_TIMEOUT_KEY
                            + " is not a number of seconds: "
                            + value);
        }
    }

    private static Map<String, Object> initConfig(
            Map<String, String> coordinates,
            int rank,
            int worldSize,
            long timeoutSeconds,
            String where) {
        Map<String, Object> config = new HashMap<>();
        for (Map.Entry<String, String> e : coordinates.entrySet()) {
            if (e.getKey().startsWith("dmlc_")) {
                config.put(e.getKey(), e.getValue());
            }
        }
        for (String key : new String[] {"dmlc_tracker_uri", "dmlc_tracker_port"}) {
            if (!config.containsKey(key)) {
                throw new CollectiveException(
                        where + ": the coordinates lack " + key + " (given: " + coordinates + ")");
            }
        }
        try {
            config.put("dmlc_tracker_port", Integer.parseInt(coordinates.get("dmlc_tracker_port")));
        } catch (NumberFormatException e) {
            throw new CollectiveException(
                    where
                            + ": dmlc_tracker_port is not a port: "
                            + coordinates.get("dmlc_tracker_port"));
        }
        config.put("dmlc_communicator", "rabit");
        // The tracker gives ranks in the order of the task ids as strings: "10" sorts before "2".
        int width = Integer.toString(worldSize - 1).length();
        config.put("dmlc_task_id", String.format(Locale.ROOT, "%0" + width + "d", rank));
        config.put(TIMEOUT_KEY, (int) Math.min(Integer.MAX_VALUE, timeoutSeconds));
        config.put(RETRY_KEY, attempts(timeoutSeconds));
        return config;
    }

    /**
     * How many times Rabit tries each connection (its {@code dmlc_retry}, 3 by default): it sleeps
     * 2 s before the second attempt and 4 s before the third, so 3 attempts only when those 6 s
     * fit in the timeout, else 1. (Two would end on a misleading error: a second {@code connect}
     * on the socket of a refused first one fails with "Software caused connection abort".)
     */
    static int attempts(long timeoutSeconds) {
        return timeoutSeconds >= 6 ? 3 : 1;
    }

    /**
     * Silences XGBoost's warnings on this thread while joining: it logs every failed connection
     * attempt to stderr, and the failure is reported once, by the exception.
     *
     * @return the verbosity to restore, or -1 if it could not be changed
     */
    private static int quiet() {
        try {
            return KilnRabitBridge.verbosity(0);
        } catch (XGBoostError | RuntimeException e) {
            LOG.debug("cannot silence XGBoost's warnings", e);
            return -1;
        }
    }

    private static void restore(int verbosity) {
        if (verbosity >= 0) {
            try {
                KilnRabitBridge.verbosity(verbosity);
            } catch (XGBoostError | RuntimeException e) {
                LOG.debug("cannot restore XGBoost's verbosity", e);
            }
        }
    }

    /** @return how long one call may take before the watchdog acts: twice the timeout, plus 10 s */
    private long callLimitNanos() {
        return 2 * timeout.toNanos() + WATCHDOG_MARGIN_NANOS;
    }

    private static void leave(CollectiveWatchdog watchdog) {
        try {
            Communicator.shutdown();
        } catch (XGBoostError e) {
            LOG.debug("leaving the group failed", e);
        } finally {
            watchdog.close();
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public void allReduceSum(FloatBuffer buffer, int count) {
        checkThread("allReduceSum");
        if (closed) {
            throw new IllegalStateException("rank " + rank + ": the collective is closed");
        }
        if (failure != null) {
            throw new IllegalStateException(
                    "rank " + rank + ": the collective failed before and is unusable: " + failure);
        }
        if (!buffer.isDirect() || buffer.order() != order()) {
            throw new IllegalArgumentException(
                    "rank "
                            + rank
                            + ": all-reduce needs a direct buffer in native byte order, got "
                            + (buffer.isDirect() ? "one in " + buffer.order() : "a heap buffer"));
        }
        if (count < 0 || count > buffer.capacity()) {
            throw new IllegalArgumentException(
                    "rank "
                            + rank
                            + ": cannot all-reduce "
                            + count
                            + " floats of a buffer of "
                            + buffer.capacity());
        }
        long call = ++calls;
        String what =
                String.format(
                        Locale.ROOT, "rank %d: all-reduce #%d of %,d floats", rank, call, count);
        long started = System.nanoTime();
        watchdog.begin(what, callLimitNanos());
        try {
            guard(what, count);
            if (count == 0 || worldSize == 1) {
                return;
            }
            ByteBuffer data = scratch(count);
            scratchFloats.put(0, buffer, 0, count);
            KilnRabitBridge.allReduce(data, count, KilnRabitBridge.FLOAT32, KilnRabitBridge.SUM);
            buffer.put(0, scratchFloats, 0, count);
        } catch (XGBoostError e) {
            CollectiveException failed = translate(what, System.nanoTime() - started, e);
            failure = failed.getMessage();
            throw failed;
        } catch (CollectiveException e) {
            failure = e.getMessage();
            throw e;
        } finally {
            watchdog.end();
        }
    }

    /** All ranks learn the smallest and largest count; all fail if they differ. */
    private void guard(String what, int count) throws XGBoostError {
        header.putLong(0, count).putLong(8, -count);
        KilnRabitBridge.allReduce(header, 2, KilnRabitBridge.INT64, KilnRabitBridge.MAX);
        long maxCount = header.getLong(0);
        long minCount = -header.getLong(8);
        if (minCount != maxCount) {
            throw new CollectiveException(
                    String.format(
                            Locale.ROOT,
                            "%s failed: the ranks disagree on the size, from %,d to %,d floats;"
                                    + " every rank must all-reduce the same count",
                            what,
                            minCount,
                            maxCount));
        }
    }

    private ByteBuffer scratch(int count) {
        if (scratch.capacity() < count * (long) Float.BYTES) {
            scratch = ByteBuffer.allocateDirect(count * Float.BYTES).order(order());
            scratchFloats = scratch.asFloatBuffer();
        }
        return scratch;
    }

    private CollectiveException translate(String what, long elapsedNanos, XGBoostError e) {
        String detail = summary(e.getMessage());
        String lower = detail.toLowerCase(Locale.ROOT);
        String after = " after " + CollectiveWatchdog.seconds(elapsedNanos);
        String happened;
        if (lower.contains("timeout") || lower.contains("timed out")) {
            happened =
                    " did not complete within "
                            + CollectiveWatchdog.seconds(timeout.toNanos())
                            + " (the timeout given at join; failed"
                            + after
                            + "): "
                            + (worldSize == 2
                                    ? "its peer rank " + (1 - rank) + " is not responding"
                                    : "a peer is not responding (this rank waits on rank "
                                            + Math.floorMod(rank - 1, worldSize)
                                            + " of the ring, which may itself wait on another)");
        } else if (lower.contains("eof")
                || lower.contains("closed")
                || lower.contains("poll error")
                || lower.contains("reset")
                || lower.contains("broken pipe")) {
            happened = " failed" + after + ": a peer closed its connection (it probably died)";
        } else {
            happened = " failed" + after;
        }
        return new CollectiveException(what + happened + " (" + detail + ")", e);
    }

    /**
     * @param message an XGBoostError's message: a timestamped header, lines {@code - [file:line|
     *     time]: what}, a native stack trace
     * @return the "what" parts, joined by "; "
     */
    static String summary(String message) {
        if (message == null) {
            return "no message";
        }
        StringBuilder out = new StringBuilder();
        for (String line : message.split("\n")) {
            String t = line.strip();
            if (t.startsWith("Stack trace:")) {
                break;
            }
            if (t.startsWith("- [")) {
                int end = t.indexOf("]: ");
                t = end > 0 ? t.substring(end + 3) : t.substring(2);
                if (!t.isEmpty()) {
                    out.append(out.length() == 0 ? "" : "; ").append(t);
                }
            }
        }
        return out.length() > 0 ? out.toString() : message.strip().lines().findFirst().orElse("");
    }

    private void checkThread(String call) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(
                    "rank "
                            + rank
                            + ": "
                            + call
                            + " called on thread '"
                            + Thread.currentThread().getName()
                            + "', but the collective belongs to thread '"
                            + owner.getName()
                            + "', which joined (Rabit's communicator is per thread)");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkThread("close");
        closed = true;
        watchdog.begin("rank " + rank + ": leaving the group", callLimitNanos());
        try {
            Communicator.shutdown();
        } catch (XGBoostError e) {
            if (failure == null) {
                LOG.warn("rank {}: leaving the group failed: {}", rank, summary(e.getMessage()));
            }
        } finally {
            watchdog.end();
            watchdog.close();
        }
    }

    private static ByteOrder order() {
        return ByteOrder.nativeOrder();
    }

    @Override
    public String toString() {
        return "rabit rank " + rank + " of " + worldSize;
    }
}
