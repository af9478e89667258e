package dev.kiln.collective.rabit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.collective.Collective;
import dev.kiln.collective.CollectiveException;
import dev.kiln.collective.CollectiveProvider;
import dev.kiln.collective.Coordinator;
import dev.kiln.collective.CoordinatorUnreachableException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Joining fails in one of two ways: a tracker nobody listens for is unreachable ({@link
 * CoordinatorUnreachableException}, at once), a tracker whose group does not fill up times out
 * (a plain {@link CollectiveException} naming the missing rank); the tracker itself does not give
 * up on ranks that are slow to start.
 */
class JoinFailureTest {

    private final CollectiveProvider provider = new RabitCollectiveProvider();

    /** A join on a thread of its own (a communicator is per thread): what it threw, and when. */
    private record Joined(Throwable failure, long millis) {}

    private Joined join(Map<String, String> coordinates, int rank, int worldSize, Duration timeout)
            throws Exception {
        CompletableFuture<Joined> joined = new CompletableFuture<>();
        Thread thread =
                new Thread(
                        () -> {
                            long started = System.nanoTime();
                            Throwable failure = null;
                            try (Collective c =
                                    provider.join(coordinates, rank, worldSize, timeout)) {
                                // joined: not expected here
                            } catch (Throwable e) {
                                failure = e;
                            }
                            joined.complete(
                                    new Joined(
                                            failure,
                                            TimeUnit.NANOSECONDS.toMillis(
                                                    System.nanoTime() - started)));
                        },
                        "joining-rank-" + rank);
        thread.start();
        return joined.get(2, TimeUnit.MINUTES);
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aTrackerAddressThatRefusesConnectionsIsUnreachableAtOnce() throws Exception {
        int port = unusedPort();
        Joined joined =
                join(
                        Map.of(
                                "dmlc_tracker_uri",
                                "127.0.0.1",
                                "dmlc_tracker_port",
                                Integer.toString(port)),
                        1,
                        2,
                        Duration.ofSeconds(5));
        System.out.println("refused, after " + joined.millis() + " ms: " + joined.failure());
        assertThat(joined.failure())
                .isInstanceOf(CoordinatorUnreachableException.class)
                .hasMessageStartingWith(
                        "rank 1: cannot reach the collective's tracker at 127.0.0.1:"
                                + port
                                + ": connection refused (1 attempt, ")
                .hasMessageContaining("which must be running");
        // a safety net, not a speed assertion: one attempt, refused at once
        assertThat(joined.millis()).isLessThan(30_000);
    }

    @Test
    void aRankThatStartsLaterThanTheConnectTimeoutStillJoins() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (Coordinator coordinator = provider.coordinate(1, timeout)) {
            // a worker JVM that takes longer to start than the timeout: this delay is the
            // scenario, not a wait for something to happen
            TimeUnit.MILLISECONDS.sleep(3_500);
            Joined joined = join(coordinator.coordinates(), 0, 1, timeout);
            assertThat(joined.failure()).isNull();
        }
    }

    @Test
    void aTimeoutOfSixSecondsOrMoreAllowsRabitsThreeAttempts() {
        assertThat(RabitCollective.attempts(5)).isEqualTo(1);
        assertThat(RabitCollective.attempts(6)).isEqualTo(3);
        assertThat(RabitCollective.attempts(60)).isEqualTo(3);
    }

    @Test
    void aGroupThatDoesNotFillUpTimesOutNamingTheMissingRank() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        try (Coordinator coordinator = provider.coordinate(2, timeout)) {
            Joined joined = join(coordinator.coordinates(), 0, 2, timeout);
            System.out.println("alone, after " + joined.millis() + " ms: " + joined.failure());
            assertThat(joined.failure())
                    .isInstanceOf(CollectiveException.class)
                    .isNotInstanceOf(CoordinatorUnreachableException.class)
                    .hasMessageStartingWith("rank 0: joining a group of 2 ranks at the tracker ")
                    .hasMessageContaining(
                            "the group did not form within the timeout given at join (3 s): rank 1"
                                    + " did not join");
            // a safety net against a hang, far above the timeout
            assertThat(joined.millis()).isLessThan(60_000);
        }
    }
}
