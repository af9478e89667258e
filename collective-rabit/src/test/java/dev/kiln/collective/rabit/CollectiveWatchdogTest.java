package dev.kiln.collective.rabit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog reports a call that outlives its limit, once, and leaves ended calls alone. */
class CollectiveWatchdogTest {

    @Test
    void aCallBeyondTheLimitIsReportedOnceWithItsDescription() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(1);
        try (CollectiveWatchdog watchdog =
                new CollectiveWatchdog(
                        "test-watchdog",
                        report -> {
                            reports.add(report);
                            reported.countDown();
                        })) {
            watchdog.begin("rank 1: all-reduce #7 of 10 floats", Duration.ofMillis(300).toNanos());
            assertThat(reported.await(30, TimeUnit.SECONDS)).isTrue();
            watchdog.end();
        }
        assertThat(reports)
                .containsExactly(
                        "rank 1: all-reduce #7 of 10 floats did not return within 300 ms, although"
                                + " the collective's own timeout should have ended it: a peer rank"
                                + " probably died or stopped. Exiting.");
    }

    @Test
    void callsThatEndedAreNotReported() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(1);
        try (CollectiveWatchdog watchdog =
                new CollectiveWatchdog(
                        "test-watchdog",
                        report -> {
                            reports.add(report);
                            reported.countDown();
                        })) {
            for (int i = 0; i < 10; i++) {
                watchdog.begin("call " + i, Duration.ofSeconds(1).toNanos());
                watchdog.end();
            }
            // a later call allowed to outlive its longer limit: the ended ones' reports, due
            // earlier, would come first
            watchdog.begin("last call", Duration.ofMillis(1500).toNanos());
            assertThat(reported.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0)).startsWith("last call did not return within 1.5 s");
    }
}
