package dev.kiln.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.evaluation.ExpectedResultsException;
import dev.kiln.events.EventStorage;
import dev.kiln.events.HistoryBuffer;
import dev.kiln.testkit.TrainerWithHooks;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The eval hook in a DefaultTrainer built from the config, on both engines. */
class EvalHookTest {

    @TempDir Path tmp;

    private static EvalHook evalHook(DefaultTrainer trainer) {
        return (EvalHook)
                trainer.trainer().hooks().stream()
                        .filter(h -> h instanceof EvalHook)
                        .findFirst()
                        .orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void evaluatesEveryPeriodAndAfterTheLastIterationUnsmoothed(String engine) {
        List<Map<String, Double>> seenByLaterHook = new ArrayList<>();
        Hook later =
                LambdaHook.builder()
                        .afterStep(
                                t -> {
                                    EventStorage s = t.storage();
                                    s.findHistory("test/accuracy")
                                            .filter(h -> h.latestIteration() == t.iter())
                                            .ifPresent(
                                                    h ->
                                                            seenByLaterHook.add(
                                                                    Map.of(
                                                                            "latest",
                                                                            h.latest(),
                                                                            "written",
                                                                            s.latestWithSmoothingHint(
                                                                                            20)
                                                                                    .get(
                                                                                            "test/accuracy")
                                                                                    .value())));
                                })
                        .build();
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                engine,
                                "kiln.hooks=[eval]",
                                "kiln.eval.period=10",
                                "kiln.eval.evaluators=[accuracy, per-class, loss]",
                                "kiln.eval.top-k=3");
                DefaultTrainer trainer = new TrainerWithHooks(run, List.of(), List.of(later))) {
            trainer.train();
            EventStorage storage = trainer.trainer().storage();
            HistoryBuffer accuracy = storage.history("test/accuracy");
            // iterations 9 and 19 by the period, 24 the last of 25
            assertThat(accuracy.iterations()).containsExactly(9, 19, 24);
            assertThat(storage.smoothingHints().get("test/accuracy")).isFalse();
            assertThat(storage.history("test/loss").iterations()).containsExactly(9, 19, 24);
            assertThat(storage.scalarNames())
                    .contains(
                            "test/accuracy",
                            "test/top3-accuracy",
                            "test/mean-class-accuracy",
                            "test/loss");
            assertThat(storage.scalarNames()).anyMatch(n -> n.startsWith("test/class-accuracy/"));
            // a hook after it, as a writer or a best checkpoint, sees each result as it came
            assertThat(seenByLaterHook).hasSize(3);
            for (Map<String, Double> seen : seenByLaterHook) {
                assertThat(seen.get("written")).isEqualTo(seen.get("latest"));
            }
            EvalHook hook = evalHook(trainer);
            assertThat(hook.lastEvaluated()).isEqualTo(24);
            assertThat(hook.latest().get("test/accuracy")).isEqualTo(accuracy.latest());
            assertThat(accuracy.latest()).isBetween(0.0, 1.0);
            assertThat(storage.history("test/loss").latest()).isPositive();
            // eval-only on the trained model gives the same results as the last evaluation
            assertThat(hook.evaluateOnly()).isEqualTo(hook.latest());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRunStoppedBetweenEvaluationsIsEvaluatedAtItsLastIteration(String engine) {
        try (KilnRun run = Runs.load(tmp, engine, "kiln.hooks=[eval]", "kiln.eval.period=10");
                DefaultTrainer trainer =
                        new TrainerWithHooks(
                                run, List.of(), List.of(TrainerWithHooks.stopAfter(12)))) {
            trainer.train();
            assertThat(trainer.trainer().iter()).isEqualTo(13);
            assertThat(trainer.trainer().storage().history("test/accuracy").iterations())
                    .containsExactly(9, 12);
        }
    }

    @Test
    void aFailedTrainingIsNeitherEvaluatedAgainNorCheckedAfterwards() {
        IllegalStateException boom = new IllegalStateException("boom");
        Hook failing =
                LambdaHook.builder()
                        .afterStep(
                                t -> {
                                    if (t.iter() == 12) {
                                        throw boom;
                                    }
                                })
                        .build();
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                "PyTorch",
                                "kiln.hooks=[eval]",
                                "kiln.eval.period=10",
                                "kiln.eval.expected-results=[{metric = test/accuracy, value = 2,"
                                        + " tolerance = 0}]");
                DefaultTrainer trainer = new TrainerWithHooks(run, List.of(), List.of(failing))) {
            assertThatThrownBy(trainer::train)
                    .isSameAs(boom)
                    .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
            assertThat(trainer.trainer().storage().history("test/accuracy").iterations())
                    .containsExactly(9);
        }
    }

    @Test
    void aTrainingThatFailsAfterAStopRequestIsNeitherEvaluatedAgainNorChecked() {
        IllegalStateException boom = new IllegalStateException("boom");
        Hook stopThenFail =
                LambdaHook.builder()
                        .afterStep(
                                t -> {
                                    if (t.iter() == 12) {
                                        t.requestStop("a signal");
                                        throw boom;
                                    }
                                })
                        .build();
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                "PyTorch",
                                "kiln.hooks=[eval]",
                                "kiln.eval.period=10",
                                "kiln.eval.expected-results=[{metric = test/accuracy, value = 2,"
                                        + " tolerance = 0}]");
                DefaultTrainer trainer =
                        new TrainerWithHooks(run, List.of(), List.of(stopThenFail))) {
            assertThatThrownBy(trainer::train)
                    .isSameAs(boom)
                    .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
            assertThat(trainer.trainer().failure()).containsSame(boom);
            assertThat(trainer.trainer().storage().history("test/accuracy").iterations())
                    .containsExactly(9);
        }
    }

    @Test
    void periodZeroEvaluatesOnlyAfterTheLastIteration() {
        try (KilnRun run = Runs.load(tmp, "PyTorch", "kiln.hooks=[eval]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().storage().history("test/accuracy").iterations())
                    .containsExactly(24);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void expectedResultsReachedLetTheRunEnd(String engine) {
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                engine,
                                "kiln.hooks=[eval]",
                                "kiln.eval.evaluators=[accuracy, loss]",
                                "kiln.eval.expected-results=[{metric = test/accuracy, value = 0.5,"
                                        + " tolerance = 0.5}]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().storage().history("test/accuracy").count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aMissedExpectedResultFailsTheRunAfterEveryAfterTrain(String engine) {
        List<String> laterAfterTrain = new ArrayList<>();
        Hook later = LambdaHook.builder().afterTrain(t -> laterAfterTrain.add("ran")).build();
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                engine,
                                "kiln.hooks=[eval]",
                                "kiln.eval.expected-results=[{metric = test/accuracy, value = 1.5,"
                                        + " tolerance = 0.1}, {metric = test/nothing, value = 1,"
                                        + " tolerance = 0}, {metric = test/accuracy, value = 0.5,"
                                        + " tolerance = 0.5}]");
                DefaultTrainer trainer = new TrainerWithHooks(run, List.of(), List.of(later))) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(ExpectedResultsException.class)
                    .hasMessageContaining("2 of the expected results missed")
                    .hasMessageContaining("test/accuracy: expected 1.5 ± 0.1, got ")
                    .hasMessageContaining(
                            "test/nothing: expected 1.0 ± 0.0, got nothing: there is no such"
                                    + " result; results: test/accuracy, test/top5-accuracy")
                    .satisfies(e -> assertThat(((ExpectedResultsException) e).misses()).hasSize(2));
            assertThat(laterAfterTrain).containsExactly("ran");
        }
    }

    @Test
    void badExpectedResultsAreReportedWithTheirPlaceBeforeTraining() {
        for (String[] bad :
                new String[][] {
                    {"[1]", "kiln.eval.expected-results[0] must be an object"},
                    {"[{metric = a, value = 1, tol = 1}]", "unknown key \"tol\""},
                    {"[{metric = a, value = 1}]", "kiln.eval.expected-results[0] must be {"},
                    {"[{metric = a, value = 1, tolerance = -1}]", "tolerance >= 0"},
                }) {
            try (KilnRun run =
                            Runs.load(
                                    tmp,
                                    "PyTorch",
                                    "kiln.hooks=[eval]",
                                    "kiln.eval.expected-results=" + bad[0]);
                    DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
                assertThatThrownBy(trainer::setUp).as(bad[0]).hasMessageContaining(bad[1]);
            }
        }
    }

    @Test
    void settingsAreCheckedByNameAndRange() {
        assertThatThrownBy(
                        () ->
                                Runs.load(
                                        tmp,
                                        "PyTorch",
                                        "kiln.hooks=[eval]",
                                        "kiln.eval.evaluators=[acuracy]"))
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("unknown evaluator \"acuracy\"; did you mean accuracy?")
                .hasMessageContaining("known: accuracy, loss, per-class, regression");
        for (String[] bad :
                new String[][] {
                    {
                        "kiln.eval.period=-1",
                        "kiln.eval.period: must be a whole number at least 0 but is -1"
                    },
                    {
                        "kiln.eval.top-k=0",
                        "kiln.eval.top-k: must be a whole number at least 1 but is 0"
                    },
                    {
                        "kiln.eval.evaluators=[]",
                        "kiln.eval.evaluators: is empty; choose from: accuracy, loss, per-class, regression"
                    },
                }) {
            try (KilnRun run = Runs.load(tmp, "PyTorch", "kiln.hooks=[eval]", bad[0]);
                    DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
                assertThatThrownBy(trainer::setUp).as(bad[0]).hasMessageContaining(bad[1]);
            }
        }
    }

    @Test
    void withoutTestDataTheHookTrainsWithoutEvaluatingAndEvalOnlySaysWhy() {
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                "PyTorch",
                                "kiln.hooks=[eval]",
                                "kiln.data.train.test-fraction=0",
                                "kiln.solver.max-iter=3");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().storage().latest()).doesNotContainKey("test/accuracy");
            assertThatThrownBy(trainer::evaluate).hasMessageContaining("no test data");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void evalOnlyEvaluatesTheBuiltModelWithoutTraining(String engine) {
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                engine,
                                "kiln.hooks=[eval]",
                                "kiln.eval.evaluators=[accuracy, regression]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            // regression on class outputs is a mismatch of shapes: reported, not hidden
            assertThatThrownBy(trainer::evaluate).hasMessageContaining("do not match labels");
        }
        try (KilnRun run =
                        Runs.load(tmp, engine, "kiln.hooks=[eval]", "kiln.eval.evaluators=[loss]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            Map<String, Double> results = trainer.evaluate();
            assertThat(results).containsOnlyKeys("test/loss");
            // an untrained model over 10 classes: about ln(10)
            assertThat(results.get("test/loss")).isBetween(1.5, 3.5);
            assertThat(trainer.trainer().storage().scalarNames()).isEmpty();
            assertThat(evalHook(trainer).lastEvaluated()).isEqualTo(-1);
        }
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                engine,
                                "kiln.hooks=[eval]",
                                "kiln.eval.expected-results=[{metric = test/accuracy, value = 1,"
                                        + " tolerance = 0}]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::evaluate)
                    .isInstanceOf(ExpectedResultsException.class)
                    .hasMessageContaining("test/accuracy: expected 1.0 ± 0.0, got ");
        }
    }
}
