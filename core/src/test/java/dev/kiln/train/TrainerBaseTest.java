package dev.kiln.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.kiln.LogCapture;
import dev.kiln.events.EventStorage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainerBaseTest {

    /** A trainer whose step records itself and can be made to fail. */
    static final class RecordingTrainer extends TrainerBase {
        final List<String> events;
        long failAt = -1;

        RecordingTrainer(List<String> events) {
            this.events = events;
        }

        @Override
        protected void runStep() {
            events.add("step" + iter());
            afterBackward();
            EventStorage.current().putScalar("total_loss", iter());
            if (iter() == failAt) {
                throw new IllegalStateException("boom at " + iter());
            }
        }
    }

    /** A hook that records every callback with its name. */
    static final class RecordingHook extends HookBase {
        final String tag;
        final List<String> events;

        RecordingHook(String tag, List<String> events) {
            this.tag = tag;
            this.events = events;
        }

        @Override
        public void beforeTrain() {
            events.add(tag + ".beforeTrain");
        }

        @Override
        public void afterTrain() {
            events.add(tag + ".afterTrain@" + trainer().iter());
        }

        @Override
        public void beforeStep() {
            events.add(tag + ".beforeStep" + trainer().iter());
        }

        @Override
        public void afterBackward() {
            events.add(tag + ".afterBackward" + trainer().iter());
        }

        @Override
        public void afterStep() {
            events.add(tag + ".afterStep" + trainer().iter());
        }
    }

    /** A stateful hook counting the steps it saw. */
    static final class CountingHook extends HookBase implements StatefulHook {
        long count;

        @Override
        public void afterStep() {
            count++;
        }

        @Override
        public String name() {
            return "counter";
        }

        @Override
        public Map<String, Object> saveState() {
            return Map.of("count", count);
        }

        @Override
        public void loadState(Map<String, Object> state) {
            count = ((Number) state.get("count")).longValue();
        }
    }

    @Test
    void hooksRunInRegistrationOrderAroundEachStep() {
        List<String> events = new ArrayList<>();
        RecordingTrainer trainer = new RecordingTrainer(events);
        trainer.registerHooks(new RecordingHook("a", events), new RecordingHook("b", events));
        trainer.train(3, 5);
        assertThat(events)
                .containsExactly(
                        "a.beforeTrain",
                        "b.beforeTrain",
                        "a.beforeStep3",
                        "b.beforeStep3",
                        "step3",
                        "a.afterBackward3",
                        "b.afterBackward3",
                        "a.afterStep3",
                        "b.afterStep3",
                        "a.beforeStep4",
                        "b.beforeStep4",
                        "step4",
                        "a.afterBackward4",
                        "b.afterBackward4",
                        "a.afterStep4",
                        "b.afterStep4",
                        "a.afterTrain@5",
                        "b.afterTrain@5");
        assertThat(trainer.storage().history("total_loss").iterations()).containsExactly(3, 4);
    }

    @Test
    void everyAfterTrainRunsWhenOneFailsAndTheFirstFailureIsRethrown() {
        List<String> events = new ArrayList<>();
        RecordingTrainer trainer = new RecordingTrainer(events);
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        trainer.registerHooks(
                LambdaHook.builder()
                        .afterTrain(
                                t -> {
                                    throw first;
                                })
                        .build(),
                new RecordingHook("a", events),
                LambdaHook.builder()
                        .afterTrain(
                                t -> {
                                    throw second;
                                })
                        .build(),
                new RecordingHook("b", events));
        assertThatThrownBy(() -> trainer.train(0, 2))
                .isSameAs(first)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
        assertThat(events).endsWith("a.afterTrain@2", "b.afterTrain@2");
    }

    @Test
    void afterTrainRunsAfterAnExceptionWhichIsRethrown() {
        List<String> events = new ArrayList<>();
        RecordingTrainer trainer = new RecordingTrainer(events);
        trainer.failAt = 2;
        trainer.registerHooks(new RecordingHook("a", events));
        assertThatThrownBy(() -> trainer.train(0, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("boom at 2");
        assertThat(events).endsWith("step2", "a.afterBackward2", "a.afterTrain@2");
        assertThat(events).doesNotContain("a.afterStep2");
        assertThat(EventStorage.currentIfActive()).isEmpty();
    }

    @Test
    void anExceptionIsLoggedWithItsIteration() {
        List<ILoggingEvent> logged;
        try (LogCapture log = LogCapture.of(TrainerBase.class)) {
            RecordingTrainer trainer = new RecordingTrainer(new ArrayList<>());
            trainer.failAt = 3;
            assertThatThrownBy(() -> trainer.train(0, 10)).hasMessage("boom at 3");
            logged = log.events().stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        }
        assertThat(logged)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getFormattedMessage())
                                    .isEqualTo("Exception during training at iteration 3:");
                            assertThat(e.getThrowableProxy().getMessage()).isEqualTo("boom at 3");
                        });
    }

    @Test
    void aFailingAfterTrainDoesNotHideTheTrainingFailure() {
        List<String> events = new ArrayList<>();
        RecordingTrainer trainer = new RecordingTrainer(events);
        trainer.failAt = 0;
        trainer.registerHooks(
                LambdaHook.builder()
                        .afterTrain(
                                t -> {
                                    throw new IllegalArgumentException("hook failed too");
                                })
                        .build());
        assertThatThrownBy(() -> trainer.train(0, 3))
                .hasMessage("boom at 0")
                .satisfies(e -> assertThat(e.getSuppressed()[0]).hasMessage("hook failed too"));
    }

    @Test
    void afterTrainHooksSeeTheExceptionTrainingFailedWith() {
        RecordingTrainer trainer = new RecordingTrainer(new ArrayList<>());
        trainer.failAt = 2;
        List<Optional<Throwable>> seen = new ArrayList<>();
        trainer.registerHooks(
                LambdaHook.builder()
                        .afterStep(t -> seen.add(t.failure()))
                        .afterTrain(t -> seen.add(t.failure()))
                        .build());
        Throwable thrown = catchThrowable(() -> trainer.train(0, 10));
        assertThat(thrown).hasMessage("boom at 2");
        // empty while training ran (iterations 0 and 1), the exception once afterTrain runs
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0)).isEmpty();
        assertThat(seen.get(1)).isEmpty();
        assertThat(seen.get(2)).containsSame(thrown);
        assertThat(trainer.failure()).containsSame(thrown);
    }

    @Test
    void aFailingBeforeTrainIsAFailureToo() {
        RecordingTrainer trainer = new RecordingTrainer(new ArrayList<>());
        IllegalStateException boom = new IllegalStateException("no data");
        List<Optional<Throwable>> seen = new ArrayList<>();
        trainer.registerHooks(
                LambdaHook.builder()
                        .beforeTrain(
                                t -> {
                                    throw boom;
                                })
                        .afterTrain(t -> seen.add(t.failure()))
                        .build());
        assertThatThrownBy(() -> trainer.train(0, 0)).isSameAs(boom);
        assertThat(seen).singleElement().satisfies(f -> assertThat(f).containsSame(boom));
    }

    @Test
    void noFailureAfterACleanEndOrARequestedStopAndEachTrainStartsWithout() {
        RecordingTrainer trainer = new RecordingTrainer(new ArrayList<>());
        trainer.failAt = 1;
        assertThatThrownBy(() -> trainer.train(0, 3)).hasMessage("boom at 1");
        assertThat(trainer.failure()).isPresent();

        trainer.failAt = -1;
        List<Optional<Throwable>> seen = new ArrayList<>();
        trainer.registerHooks(
                LambdaHook.builder()
                        .beforeTrain(t -> seen.add(t.failure()))
                        .afterStep(
                                t -> {
                                    if (t.iter() == 5) {
                                        t.requestStop("enough");
                                    }
                                })
                        .afterTrain(t -> seen.add(t.failure()))
                        .build());
        trainer.train(1, 3);
        trainer.train(3, 100);
        assertThat(trainer.isStopRequested()).isTrue();
        assertThat(seen).hasSize(4).allSatisfy(f -> assertThat(f).isEmpty());
        assertThat(trainer.failure()).isEmpty();
    }

    @Test
    void aHookFailingInAfterTrainIsNoTrainingFailureForTheHooksAfterIt() {
        RecordingTrainer trainer = new RecordingTrainer(new ArrayList<>());
        IllegalStateException missed = new IllegalStateException("expected results missed");
        List<Optional<Throwable>> seen = new ArrayList<>();
        trainer.registerHooks(
                LambdaHook.builder()
                        .afterTrain(
                                t -> {
                                    throw missed;
                                })
                        .build(),
                LambdaHook.builder().afterTrain(t -> seen.add(t.failure())).build());
        assertThatThrownBy(() -> trainer.train(0, 2)).isSameAs(missed);
        assertThat(seen).singleElement().satisfies(f -> assertThat(f).isEmpty());
        assertThat(trainer.failure()).isEmpty();
    }

    @Test
    void aHookCanStopTrainingCleanly() {
        List<String> events = new ArrayList<>();
        RecordingTrainer trainer = new RecordingTrainer(events);
        trainer.registerHooks(
                LambdaHook.builder()
                        .afterStep(
                                t -> {
                                    if (t.iter() == 4) {
                                        t.requestStop("plateau");
                                    }
                                })
                        .build(),
                new RecordingHook("a", events));
        trainer.train(0, 100);
        assertThat(events).endsWith("step4", "a.afterBackward4", "a.afterStep4", "a.afterTrain@5");
        assertThat(trainer.state().iteration()).isEqualTo(5);
        assertThat(trainer.isStopRequested()).isTrue();
    }

    @Test
    void stateHoldsTheResumeIterationAndEveryStatefulHook() {
        RecordingTrainer first = new RecordingTrainer(new ArrayList<>());
        CountingHook counter = new CountingHook();
        first.registerHooks(new RecordingHook("stateless", new ArrayList<>()), counter);
        first.train(0, 7);
        TrainerState state = first.state();
        assertThat(state.iteration()).isEqualTo(7);
        assertThat(state.hooks()).containsOnlyKeys("counter");
        assertThat(state.hooks().get("counter")).containsEntry("count", 7L);

        RecordingTrainer second = new RecordingTrainer(new ArrayList<>());
        CountingHook restored = new CountingHook();
        second.registerHooks(restored);
        second.loadState(
                new TrainerState(state.iteration(), new HashMap<>(state.hooks()), state.extra()));
        assertThat(restored.count).isEqualTo(7);
        assertThat(second.iter()).isEqualTo(7);
        second.train(second.iter(), 10);
        assertThat(restored.count).isEqualTo(10);
    }

    /** A hook that could keep state but has none in this run (a schedule without a metric). */
    static final class StatelessNowHook extends HookBase implements StatefulHook {
        final List<Map<String, Object>> loaded = new ArrayList<>();

        @Override
        public String name() {
            return "maybe";
        }

        @Override
        public boolean hasState() {
            return false;
        }

        @Override
        public Map<String, Object> saveState() {
            throw new AssertionError("saved although it has no state");
        }

        @Override
        public void loadState(Map<String, Object> state) {
            loaded.add(state);
        }
    }

    @Test
    void aStatefulHookWithoutStateIsNeitherSavedNorRestoredAndItsNameIsFree() {
        RecordingTrainer trainer = new RecordingTrainer(new ArrayList<>());
        StatelessNowHook hook = new StatelessNowHook();
        trainer.registerHooks(hook, new StatelessNowHook(), new CountingHook());
        trainer.train(0, 2);
        assertThat(trainer.state().hooks()).containsOnlyKeys("counter");
        Map<String, Map<String, Object>> saved =
                Map.of("maybe", Map.of("x", 1), "counter", Map.of("count", 2));
        trainer.loadState(new TrainerState(2, saved, Map.of()));
        assertThat(hook.loaded).isEmpty();
    }

    @Test
    void twoStatefulHooksWithOneNameAreRefused() {
        RecordingTrainer trainer = new RecordingTrainer(new ArrayList<>());
        trainer.registerHooks(new CountingHook());
        assertThatThrownBy(() -> trainer.registerHooks(new CountingHook()))
                .hasMessageContaining("two stateful hooks are named 'counter'");
    }

    @Test
    void storageIsCurrentDuringTrainingAndFreshPerCall() {
        List<EventStorage> seen = new ArrayList<>();
        RecordingTrainer trainer = new RecordingTrainer(new ArrayList<>());
        trainer.registerHooks(
                LambdaHook.builder().beforeTrain(t -> seen.add(EventStorage.current())).build());
        trainer.train(0, 2);
        trainer.train(2, 4);
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isNotSameAs(seen.get(1));
        assertThat(seen.get(1).history("total_loss").iterations()).containsExactly(2, 3);
    }

    @Test
    void theHookWhoseCallbackFailedIsNamedAndAFailingStepNamesNone() {
        List<String> events = new ArrayList<>();
        RecordingTrainer trainer = new RecordingTrainer(events);
        trainer.registerHooks(
                LambdaHook.builder()
                        .name("picky")
                        .afterBackward(
                                t -> {
                                    if (t.iter() == 2) {
                                        throw new IllegalStateException("picky at 2");
                                    }
                                })
                        .build());
        assertThatThrownBy(() -> trainer.train(0, 5)).hasMessage("picky at 2");
        assertThat(trainer.failedHook()).contains("hook picky (afterBackward)");

        RecordingTrainer failing = new RecordingTrainer(new ArrayList<>());
        failing.failAt = 1;
        assertThatThrownBy(() -> failing.train(0, 5)).hasMessage("boom at 1");
        assertThat(failing.failedHook()).isEmpty();
    }
}
