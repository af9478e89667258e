package dev.kiln.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.testkit.TrainerWithHooks;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import dev.kiln.train.TrainerState;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The early-stopping hook in a DefaultTrainer, on both engines. */
class EarlyStoppingTest {

    @TempDir Path tmp;

    private static final String[] FLAT = {
        "kiln.hooks=[early-stopping]",
        "kiln.solver.max-iter=100",
        "kiln.early-stopping.metric=val/flat",
        "kiln.early-stopping.mode=min",
        "kiln.early-stopping.patience=3"
    };

    /** Puts {@code val/flat = 0.5}, unsmoothed, every 5 iterations: at 4, 9, 14, ... */
    private static Hook flatMetric() {
        return LambdaHook.builder()
                .afterStep(
                        t -> {
                            if (t.iter() % 5 == 4) {
                                t.storage().putScalar("val/flat", 0.5, false);
                            }
                        })
                .build();
    }

    private static EarlyStopping hook(DefaultTrainer trainer) {
        return (EarlyStopping)
                trainer.trainer().hooks().stream()
                        .filter(h -> h instanceof EarlyStopping)
                        .findFirst()
                        .orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aStalledMetricStopsTheRunAfterPatienceEvaluations(String engine) {
        List<Long> afterTrainAt = new ArrayList<>();
        Hook last = LambdaHook.builder().afterTrain(t -> afterTrainAt.add(t.iter())).build();
        try (KilnRun run = Runs.load(tmp, engine, FLAT);
                DefaultTrainer trainer =
                        new TrainerWithHooks(run, List.of(flatMetric()), List.of(last))) {
            trainer.train();
            // best at 4; no improvement at 9, 14, 19: stop after 19
            assertThat(trainer.trainer().iter()).isEqualTo(20);
            assertThat(trainer.trainer().storage().history("total_loss").count()).isEqualTo(20);
            assertThat(afterTrainAt).containsExactly(20L);
            EarlyStopping hook = hook(trainer);
            assertThat(hook.badEvaluations()).isEqualTo(3);
            assertThat(hook.best()).isEqualTo(0.5);
            assertThat(hook.bestIteration()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void stopsOnTheEvalHooksResultsAndTheFinalEvaluationIsKept(String engine) {
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                engine,
                                "kiln.hooks=[eval, early-stopping]",
                                "kiln.solver.max-iter=100",
                                "kiln.eval.period=5",
                                "kiln.eval.evaluators=[loss]",
                                "kiln.early-stopping.metric=test/loss",
                                "kiln.early-stopping.mode=min",
                                // no loss falls by 100 in 5 iterations: every evaluation is bad
                                "kiln.early-stopping.min-delta=100",
                                "kiln.early-stopping.patience=2");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().iter()).isEqualTo(15);
            assertThat(trainer.trainer().storage().history("test/loss").iterations())
                    .containsExactly(4, 9, 14);
        }
    }

    @Test
    void improvementsBeyondMinDeltaResetTheCount() {
        EarlyStopping hook = new EarlyStopping("m", "max", 0.1, 2);
        assertThat(hook.improves(0.5)).isTrue();
        Map<String, Object> state =
                Map.of(
                        "metric",
                        "m",
                        "best",
                        0.5,
                        "best_iteration",
                        4L,
                        "bad_evaluations",
                        1,
                        "last_seen",
                        4L);
        hook.loadState(state);
        assertThat(hook.improves(0.6)).isFalse(); // not by more than 0.1
        assertThat(hook.improves(0.61)).isTrue();
        assertThat(hook.improves(Double.NaN)).isFalse();
        EarlyStopping min = new EarlyStopping("m", "min", 0, 1);
        min.loadState(Map.of("metric", "m", "best", 0.5));
        assertThat(min.improves(0.5)).isFalse();
        assertThat(min.improves(0.49)).isTrue();
        // a state of another metric is not taken
        EarlyStopping other = new EarlyStopping("n", "min", 0, 1);
        other.loadState(state);
        assertThat(other.badEvaluations()).isZero();
        assertThat(other.best()).isNaN();
    }

    @Test
    void badSettingsAreReportedWithTheirKey() {
        for (String[] bad :
                new String[][] {
                    {
                        "kiln.early-stopping.mode=up",
                        "kiln.early-stopping.mode: unknown value \"up\"; expected one of: max, min"
                    },
                    {
                        "kiln.early-stopping.patience=0",
                        "kiln.early-stopping.patience: must be a whole number at least 1 but is 0"
                    },
                    {
                        "kiln.early-stopping.min-delta=-0.5",
                        "kiln.early-stopping.min-delta: must be a number at least 0.0 but is -0.5"
                    },
                }) {
            try (KilnRun run = Runs.load(tmp, "PyTorch", "kiln.hooks=[early-stopping]", bad[0]);
                    DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
                assertThatThrownBy(trainer::setUp).as(bad[0]).hasMessageContaining(bad[1]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aResumedRunKeepsItsPatienceCount(String engine) {
        TrainerState state;
        try (KilnRun run = Runs.load(tmp, engine, FLAT);
                DefaultTrainer first =
                        new TrainerWithHooks(
                                run,
                                List.of(flatMetric()),
                                List.of(TrainerWithHooks.stopAfter(11)))) {
            first.train();
            assertThat(hook(first).badEvaluations()).isEqualTo(1); // best at 4, bad at 9
            state = first.trainer().state();
        }
        assertThat(state.iteration()).isEqualTo(12);
        // through JSON, as a checkpoint stores it
        Gson gson = new Gson();
        Type type = new TypeToken<Map<String, Map<String, Object>>>() {}.getType();
        Map<String, Map<String, Object>> hooks = gson.fromJson(gson.toJson(state.hooks()), type);
        assertThat(hooks.get(EarlyStopping.NAME))
                .containsEntry("bad_evaluations", 1.0)
                .containsEntry("best", 0.5)
                .containsEntry("last_seen", 9.0);
        TrainerState restored = new TrainerState(state.iteration(), hooks, state.extra());
        try (KilnRun run = Runs.load(tmp, engine, FLAT);
                DefaultTrainer second =
                        new TrainerWithHooks(run, List.of(flatMetric()), List.of())) {
            second.setUp();
            second.trainer().loadState(restored);
            second.trainer().train(restored.iteration(), 100);
            // bad at 14 and 19: the third in a row, so it stops after 19 as the whole run would
            assertThat(second.trainer().iter()).isEqualTo(20);
            assertThat(hook(second).badEvaluations()).isEqualTo(3);
        }
        try (KilnRun run = Runs.load(tmp, engine, FLAT);
                DefaultTrainer fresh =
                        new TrainerWithHooks(run, List.of(flatMetric()), List.of())) {
            // without the state it would count from scratch: best at 14, stop after 29
            fresh.setUp();
            fresh.trainer().train(12, 100);
            assertThat(fresh.trainer().iter()).isEqualTo(30);
        }
    }
}
