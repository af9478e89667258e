package dev.kiln.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.LogCapture;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The timing and log lines of an inference run, on a clock the test moves. */
class InferenceProgressTest {

    private static final long SECOND = 1_000_000_000L;

    private LogCapture lines;
    private Logger log;
    private long now;

    @BeforeEach
    void capture() {
        lines = LogCapture.of("test.inference-progress");
        log = lines.logger();
    }

    @AfterEach
    void release() {
        lines.close();
    }

    private List<String> messages() {
        return lines.messages();
    }

    /** One batch: 0.5 s of data, 1 s of compute, 0.5 s of evaluation. */
    private void batch(InferenceProgress progress) {
        long data = now;
        long compute = now + SECOND / 2;
        long eval = compute + SECOND;
        now = eval + SECOND / 2;
        progress.batchDone(data, compute, eval, now);
    }

    @Test
    void warmUpBatchesAreNotTimedAndProgressComesAtMostEveryFiveSeconds() {
        InferenceProgress progress = new InferenceProgress(log, () -> now, 12, 2);
        for (int i = 0; i < 12; i++) {
            batch(progress);
        }
        progress.finish();
        List<String> messages = messages();
        // 2 s per batch: lines after batches 3 (6 s since the start), 6 (12 s) and 9 (18 s), none
        // after the last batch, whose summary follows
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0))
                .isEqualTo(
                        "Inference done 3/12. Dataloading: 0.5000 s/batch. Inference: 1.0000"
                                + " s/batch. Eval: 0.5000 s/batch. Total: 2.0000 s/batch."
                                + " ETA=0:00:18");
        assertThat(messages.get(1)).startsWith("Inference done 6/12.").endsWith("ETA=0:00:12");
        assertThat(messages.get(2)).startsWith("Inference done 9/12.").endsWith("ETA=0:00:06");
        assertThat(messages.get(3))
                .isEqualTo(
                        "Total inference time: 0:00:24 (2.000000 s / batch, on 10 batches after 2"
                                + " warm-up batches); pure compute time: 1.000000 s / batch");
    }

    @Test
    void slowWarmUpDoesNotCountInTheTimePerBatch() {
        InferenceProgress progress = new InferenceProgress(log, () -> now, 4, 1);
        now += 100 * SECOND; // a slow first batch: loading, compiling
        progress.batchDone(0, 50 * SECOND, 90 * SECOND, now);
        for (int i = 0; i < 3; i++) {
            batch(progress);
        }
        assertThat(progress.secondsPerBatch()).isEqualTo(2.0);
        progress.finish();
        assertThat(messages().get(messages().size() - 1))
                .startsWith("Total inference time: 0:01:46 (2.000000 s / batch, on 3 batches");
    }

    @Test
    void aSingleBatchIsTimedWithoutWarmUp() {
        InferenceProgress progress = new InferenceProgress(log, () -> now, 1, 0);
        batch(progress);
        progress.finish();
        assertThat(messages())
                .containsExactly(
                        "Total inference time: 0:00:02 (2.000000 s / batch, on 1 batches after 0"
                                + " warm-up batches); pure compute time: 1.000000 s / batch");
    }

    @Test
    void clockTextIsHoursMinutesSeconds() {
        assertThat(InferenceProgress.clockText(0)).isEqualTo("0:00:00");
        assertThat(InferenceProgress.clockText(3725.4)).isEqualTo("1:02:05");
    }
}
