package dev.kiln.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.LogCapture;
import dev.kiln.train.LambdaHook;
import dev.kiln.train.TrainerBase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

class IterationTimerTest {

    /** Sleep in each hook callback: far longer than a step. */
    private static final long HOOK_MILLIS = 100;

    private LogCapture log;

    static final class StepTrainer extends TrainerBase {
        @Override
        protected void runStep() {
            storage().putScalar("total_loss", 1.0 / (iter() + 1));
        }
    }

    @BeforeEach
    void capture() {
        log = LogCapture.of(IterationTimer.class);
    }

    @AfterEach
    void release() {
        log.close();
    }

    private static void sleep() {
        try {
            Thread.sleep(HOOK_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void stepTimeLeavesHookTimeOutAndTheSummaryCountsIt() {
        StepTrainer trainer = new StepTrainer();
        trainer.registerHooks(
                new IterationTimer(2),
                LambdaHook.builder().beforeStep(t -> sleep()).afterStep(t -> sleep()).build(),
                new PeriodicWriter(List.of(), 5));
        trainer.train(0, 6);

        double[] times = trainer.storage().history("time").values();
        assertThat(times).hasSize(6);
        // Each iteration spends 0.2 s in hooks; none of it is step time.
        for (double t : times) {
            assertThat(t).isGreaterThanOrEqualTo(0.0).isLessThan(HOOK_MILLIS / 1e3 / 2);
        }
        assertThat(trainer.storage().smoothingHints()).containsEntry("time", true);

        List<String> messages = log.messages();
        // Speed over the iterations after the timer's warm-up of 2; 1.2 s of hooks in the total.
        assertThat(messages)
                .anySatisfy(
                        m -> assertThat(m).matches(
                                "Overall training speed: 4 iterations in 0:00:00 \\(0\\.0\\d{3} s / it\\)"));
        assertThat(messages)
                .anySatisfy(
                        m -> assertThat(m).matches(
                                "Total training time: 0:00:0[12] \\(0:00:0[12] on hooks\\), 6 iterations"));
    }
}
