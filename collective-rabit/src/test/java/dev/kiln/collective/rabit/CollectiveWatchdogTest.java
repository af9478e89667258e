package dev.kiln.collective.rabit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The watchdog reports a call that outlives its limit, once, and leaves quick calls alone. */
class CollectiveWatchdogTest {

    @Test
    void aCallBeyondTheLimitIsReportedOnceWithItsDescription() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (CollectiveWatchdog watchdog = new CollectiveWatchdog("test-watchdog", reports::add)) {
            watchdog.begin("rank 1: all-reduce #7 of 10 floats", Duration.ofMillis(300).toNanos());
            Thread.sleep(1200);
            watchdog.end();
        }
        assertThat(reports)
                .containsExactly(
                        "rank 1: all-reduce #7 of 10 floats did not return within 300 ms, although"
                                + " the collective's own timeout should have ended it: a peer rank"
                                + " probably died or stopped. Exiting.");
    }

    @Test
    void callsWithinTheLimitAreNotReported() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (CollectiveWatchdog watchdog = new CollectiveWatchdog("test-watchdog", reports::add)) {
            for (int i = 0; i < 10; i++) {
                watchdog.begin("call " + i, Duration.ofSeconds(2).toNanos());
                Thread.sleep(100);
                watchdog.end();
            }
            Thread.sleep(500);
        }
        assertThat(reports).isEmpty();
    }
}
