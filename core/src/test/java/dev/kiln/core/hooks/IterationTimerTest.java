package dev.kiln.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.LogCapture;
import dev.kiln.train.LambdaHook;
import dev.kiln.train.TrainerBase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timer on a clock the test moves: each step takes 1 ms, each hook callback 300 ms. */
class IterationTimerTest {

    private static final long MILLI = 1_000_000L;

    private long now;

    /** A trainer on the test's clock whose step takes 1 ms, then calls the afterBackward hooks. */
    final class StepTrainer extends TrainerBase {
        StepTrainer() {
            super(() -> now);
        }

        @Override
        protected void runStep() {
            now += MILLI;
            afterBackward();
            storage().putScalar("total_loss", 1.0 / (iter() + 1));
        }
    }

    @Test
    void stepTimeLeavesHookTimeOutAndTheSummaryCountsIt() {
        StepTrainer trainer = new StepTrainer();
        trainer.registerHooks(
                new IterationTimer(2),
                LambdaHook.builder()
                        .beforeStep(t -> now += 300 * MILLI)
                        .afterStep(t -> now += 300 * MILLI)
                        .build(),
                new PeriodicWriter(List.of(), 5));
        List<String> messages;
        try (LogCapture log = LogCapture.of(IterationTimer.class)) {
            trainer.train(0, 6);
            messages = log.messages();
        }

        // Each iteration spends 0.6 s in hooks; none of it is step time.
        assertThat(trainer.storage().history("time").values())
                .containsExactly(0.001, 0.001, 0.001, 0.001, 0.001, 0.001);
        assertThat(trainer.storage().smoothingHints()).containsEntry("time", true);
        // Speed over the iterations after the timer's warm-up of 2; 3.6 s of hooks in 3.606 s.
        assertThat(messages)
                .contains(
                        "Overall training speed: 4 iterations in 0:00:00 (0.0010 s / it)",
                        "Total training time: 0:00:03 (0:00:03 on hooks), 6 iterations");
    }

    @Test
    void afterBackwardTimeIsStepTimeAndNotHookTime() {
        StepTrainer trainer = new StepTrainer();
        trainer.registerHooks(
                new IterationTimer(0),
                LambdaHook.builder()
                        .beforeStep(t -> now += 3000 * MILLI)
                        .afterBackward(t -> now += 2000 * MILLI)
                        .build());
        List<String> messages;
        try (LogCapture log = LogCapture.of(IterationTimer.class)) {
            trainer.train(0, 2);
            messages = log.messages();
        }

        // 1 ms of step and 2 s of afterBackward in each step; the 3 s of beforeStep outside it
        assertThat(trainer.storage().history("time").values()).containsExactly(2.001, 2.001);
        assertThat(trainer.lastStepSeconds()).isEqualTo(2.001);
        // 10.002 s in all, of which the two beforeStep calls, 6 s, on hooks
        assertThat(messages)
                .contains(
                        "Overall training speed: 2 iterations in 0:00:04 (2.0010 s / it)",
                        "Total training time: 0:00:10 (0:00:06 on hooks), 2 iterations");
    }
}
