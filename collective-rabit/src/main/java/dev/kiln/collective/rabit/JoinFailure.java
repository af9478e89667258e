package dev.kiln.collective.rabit;

import dev.kiln.collective.CollectiveException;
import dev.kiln.collective.CoordinatorUnreachableException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * What a failed {@code Communicator.init} means, as an exception naming the rank and the tracker:
 *
 * <ul>
 *   <li>the tracker could not be reached (XGBoost's "Failed to connect to the tracker"): a {@link
 *       CoordinatorUnreachableException} saying whether the connection was refused or not answered,
 *       and what to check;
 *   <li>anything else, such as a tracker that was reached but whose group did not fill up within
 *       the timeout (the tracker then closes the connection): a {@link CollectiveException}, which
 *       names the timeout and the ranks that did not join when it failed after the timeout.
 * </ul>
 */
final class JoinFailure {

    /** How close to the timeout a failure counts as the timeout's. */
    private static final long NEAR_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private JoinFailure() {}

    /**
     * @param rank the joining rank
     * @param worldSize the number of ranks expected
     * @param tracker the tracker's {@code host:port}
     * @param attempts how many times Rabit tried to connect
     * @param timeoutSeconds the timeout given at join, in seconds
     * @param elapsedNanos how long joining took
     * @param e what {@code Communicator.init} threw
     * @return the exception to throw
     */
    static CollectiveException of(
            int rank,
            int worldSize,
            String tracker,
            int attempts,
            long timeoutSeconds,
            long elapsedNanos,
            XGBoostError e) {
        String detail = RabitCollective.summary(e.getMessage());
        String lower = detail.toLowerCase(Locale.ROOT);
        String after = CollectiveWatchdog.seconds(elapsedNanos);
        if (lower.contains("failed to connect to the tracker")) {
            String reason;
            if (lower.contains("connection refused")) {
                reason = "connection refused";
            } else if (lower.contains("timed out") || lower.contains("timeout")) {
                reason = "no answer within " + timeoutSeconds + " s";
            } else {
                reason = detail;
            }
            return new CoordinatorUnreachableException(
                    "rank "
                            + rank
                            + ": cannot reach the collective's tracker at "
                            + tracker
                            + ": "
                            + reason
                            + " ("
                            + attempts
                            + (attempts == 1 ? " attempt" : " attempts")
                            + ", "
                            + after
                            + "); the tracker runs in the process that launched the workers"
                            + " (kiln train --nproc), which must be running, and the"
                            + " coordinates must name its address",
                    e);
        }
        String others =
                worldSize == 2
                        ? "rank " + (1 - rank)
                        : "some of ranks 0.." + (worldSize - 1) + " other than " + rank;
        boolean timedOut = elapsedNanos >= TimeUnit.SECONDS.toNanos(timeoutSeconds) - NEAR_NANOS;
        return new CollectiveException(
                "rank "
                        + rank
                        + ": joining a group of "
                        + worldSize
                        + " ranks at the tracker "
                        + tracker
                        + " failed after "
                        + after
                        + (timedOut
                                ? ": the group did not form within the timeout given at join ("
                                        + timeoutSeconds
                                        + " s): "
                                        + others
                                        + " did not join, or did not answer"
                                : "")
                        + " ("
                        + detail
                        + ")",
                e);
    }
}
