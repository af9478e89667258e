package dev.kiln.lr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.events.HistoryBuffer;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.testkit.TestData;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import dev.kiln.train.TrainerState;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lr-scheduler hook in a DefaultTrainer built from the config, on both engines. */
class LrSchedulerTrainingTest {

    private static final int MAX_ITER = 30;
    private static final double BASE_LR = 0.05;

    @TempDir Path tmp;

    private KilnRun run(String engine, String... overrides) throws Exception {
        Path digits = TestData.digits40(tmp.resolve("data"));
        List<String> all = new ArrayList<>();
        all.add("kiln.engine=" + engine);
        all.add("kiln.data.train.path=\"" + digits + "\"");
        all.add("kiln.data.train.test-fraction=0.25");
        if (Arrays.stream(overrides).noneMatch(o -> o.startsWith("kiln.solver.max-epochs"))) {
            all.add("kiln.solver.max-iter=" + MAX_ITER);
        }
        all.add("kiln.solver.base-lr=" + BASE_LR);
        all.add("kiln.solver.batch-size=8");
        all.add("kiln.model.hidden-sizes=[16]");
        all.add("kiln.writers=[]");
        all.add("kiln.output-dir=\"" + tmp.resolve("run") + "\"");
        all.add("kiln.hooks=[lr-scheduler]");
        all.addAll(List.of(overrides));
        return KilnRun.builder().overrides(all).load();
    }

    /** A DefaultTrainer with extra hooks after the configured ones, as an eval hook would be. */
    static final class TrainerWith extends DefaultTrainer {
        private final List<Hook> extra;

        TrainerWith(KilnRun run, Hook... extra) {
            super(run.config(), run.registry());
            this.extra = List.of(extra);
        }

        @Override
        protected List<Hook> buildHooks() {
            List<Hook> hooks = new ArrayList<>(super.buildHooks());
            hooks.addAll(hooks.size() - 1, extra);
            return hooks;
        }
    }

    private static double[] lrs(DefaultTrainer trainer) {
        return trainer.trainer().storage().history("lr").values();
    }

    /** cosine 1 -> 0 with a linear warmup over the first 10% (3 iterations) from 0.1 x. */
    private static final String[] COSINE_WITH_WARMUP = {
        "kiln.lr-schedule.type=cosine",
        "kiln.lr-schedule.warmup.length=0.1",
        "kiln.lr-schedule.warmup.factor=0.1"
    };

    /** The same schedule, by hand: detectron2's warmup over fvcore's cosine. */
    private static double expectedCosineWithWarmup(int iter) {
        double where = (double) iter / MAX_ITER;
        Function<Double, Double> cosine = w -> 0.5 * (1 + Math.cos(Math.PI * w));
        if (iter < 3) {
            double alpha = where / 0.1; // 0, 1/3, 2/3
            return BASE_LR * (0.1 * cosine.apply(0.0) * (1 - alpha) + cosine.apply(0.1) * alpha);
        }
        return BASE_LR * cosine.apply(where);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void withMaxEpochsTheScheduleSpansTheDerivedIterations(String engine) throws Exception {
        // 30 training rows in batches of 8 for 2 epochs: ceil(60 / 8) = 8 iterations
        try (KilnRun run = run(engine, "kiln.solver.max-epochs=2", "kiln.lr-schedule.type=cosine");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            double[] values = lrs(trainer);
            assertThat(values).hasSize(8);
            for (int i = 0; i < 8; i++) {
                assertThat(values[i])
                        .as("lr at iteration %d", i)
                        .isCloseTo(BASE_LR * 0.5 * (1 + Math.cos(Math.PI * i / 8)), within(1e-8));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theLrColumnFollowsTheSchedule(String engine) throws Exception {
        try (KilnRun run = run(engine, COSINE_WITH_WARMUP);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().hooks().get(1)).isInstanceOf(LrScheduler.class);
            HistoryBuffer lr = trainer.trainer().storage().history("lr");
            // recorded once per step, by the trainer, without smoothing
            assertThat(lr.count()).isEqualTo(MAX_ITER);
            assertThat(trainer.trainer().storage().smoothingHints().get("lr")).isFalse();
            double[] values = lr.values();
            for (int i = 0; i < MAX_ITER; i++) {
                assertThat(values[i])
                        .as("lr at iteration %d", i)
                        .isCloseTo(expectedCosineWithWarmup(i), within(1e-8));
            }
            // spot checks: 0.05 * 0.1 at 0; the cosine at 15 of 30 is one half
            assertThat(values[0]).isCloseTo(0.005, within(1e-9));
            assertThat(values[15]).isCloseTo(0.025, within(1e-8));
        }
    }

    @Test
    void withoutAScheduleTheRateStaysTheBaseRate() throws Exception {
        try (KilnRun run = run("PyTorch");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(lrs(trainer)).hasSize(MAX_ITER).containsOnly((double) (float) BASE_LR);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aStoppedAndResumedRunHasTheSameLrSequence(String engine) throws Exception {
        String[] schedule = {
            "kiln.lr-schedule.type=multi-step",
            "kiln.lr-schedule.milestones=[10, 20]",
            "kiln.lr-schedule.warmup.length=0.1"
        };
        double[] uninterrupted;
        try (KilnRun run = run(engine, schedule);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            uninterrupted = lrs(trainer);
        }
        assertThat(uninterrupted[0]).isCloseTo(BASE_LR * 0.001, within(1e-9));
        assertThat(uninterrupted[25]).isCloseTo(BASE_LR * 0.01, within(1e-9));

        List<Double> resumed = new ArrayList<>();
        TrainerState state;
        try (KilnRun run = run(engine, schedule);
                DefaultTrainer first = new TrainerWith(run, stopAfter(12))) {
            first.train();
            state = first.trainer().state();
            for (double v : lrs(first)) {
                resumed.add(v);
            }
        }
        assertThat(state.iteration()).isEqualTo(12);
        assertThat(state.hooks()).doesNotContainKey(LrScheduler.NAME);
        try (KilnRun run = run(engine, schedule);
                DefaultTrainer second = new DefaultTrainer(run.config(), run.registry())) {
            second.setUp();
            second.trainer().loadState(state);
            second.trainer().train(state.iteration(), MAX_ITER);
            assertThat(second.trainer().storage().history("lr").iterations()[0]).isEqualTo(12);
            for (double v : lrs(second)) {
                resumed.add(v);
            }
        }
        assertThat(resumed)
                .containsExactly(Arrays.stream(uninterrupted).boxed().toArray(Double[]::new));
    }

    private static Hook stopAfter(long iterations) {
        return LambdaHook.builder()
                .name("stop")
                .afterStep(
                        t -> {
                            if (t.iter() == iterations - 1) {
                                t.requestStop("test stop");
                            }
                        })
                .build();
    }

    /**
     * Puts {@code test/accuracy} (without smoothing, as an evaluation does) every 5 iterations: at
     * 4, 9, 14, 19, 24 and 29.
     */
    private static Hook accuracies(double... values) {
        return LambdaHook.builder()
                .name("fake-eval")
                .afterStep(
                        t -> {
                            if (t.iter() % 5 == 4) {
                                t.storage()
                                        .putScalar(
                                                "test/accuracy",
                                                values[(int) (t.iter() / 5)],
                                                false);
                            }
                        })
                .build();
    }

    private static final String[] PLATEAU = {
        "kiln.lr-schedule.type=plateau",
        "kiln.lr-schedule.metric=test/accuracy",
        "kiln.lr-schedule.mode=max",
        "kiln.lr-schedule.patience=2",
        "kiln.lr-schedule.factor=0.1"
    };

    // best 0.5, then 0.6; 0.6 and 0.55 are two evaluations without improvement (at 14 and 19),
    // so from iteration 20 on the rate is 0.1 x; 0.6 at 24 is again not better than 0.6
    private static final double[] ACCURACY = {0.5, 0.6, 0.6, 0.55, 0.6, 0.7};

    @Test
    void plateauLowersTheRateAfterPatienceEvaluationsWithoutImprovement() throws Exception {
        try (KilnRun run = run("PyTorch", PLATEAU);
                DefaultTrainer trainer = new TrainerWith(run, accuracies(ACCURACY))) {
            trainer.train();
            double[] lr = lrs(trainer);
            for (int i = 0; i < MAX_ITER; i++) {
                double expected = i < 20 ? BASE_LR : BASE_LR * 0.1;
                assertThat(lr[i]).as("lr at iteration %d", i).isCloseTo(expected, within(1e-9));
            }
            assertThat(((LrScheduler) trainer.trainer().hooks().get(1)).hasState()).isTrue();
        }
    }

    @Test
    void plateauKeepsItsCountersAcrossAResume() throws Exception {
        double[] uninterrupted;
        try (KilnRun run = run("PyTorch", PLATEAU);
                DefaultTrainer trainer = new TrainerWith(run, accuracies(ACCURACY))) {
            trainer.train();
            uninterrupted = lrs(trainer);
        }
        // stop after iteration 16: the evaluation at 14 (one without improvement) has been seen
        TrainerState state;
        List<Double> resumed = new ArrayList<>();
        try (KilnRun run = run("PyTorch", PLATEAU);
                DefaultTrainer first = new TrainerWith(run, accuracies(ACCURACY), stopAfter(17))) {
            first.train();
            state = jsonRoundTrip(first.trainer().state());
            for (double v : lrs(first)) {
                resumed.add(v);
            }
        }
        assertThat(state.hooks().get(LrScheduler.NAME))
                .containsEntry("bad-evaluations", 1.0)
                .containsEntry("best", 0.6);
        try (KilnRun run = run("PyTorch", PLATEAU);
                DefaultTrainer second = new TrainerWith(run, accuracies(ACCURACY))) {
            second.setUp();
            second.trainer().loadState(state);
            second.trainer().train(state.iteration(), MAX_ITER);
            for (double v : lrs(second)) {
                resumed.add(v);
            }
        }
        assertThat(resumed)
                .containsExactly(Arrays.stream(uninterrupted).boxed().toArray(Double[]::new));
    }

    /** The state as a checkpoint would store it: JSON. */
    private static TrainerState jsonRoundTrip(TrainerState state) {
        Gson gson = new Gson();
        Type hooksType = new TypeToken<Map<String, Map<String, Object>>>() {}.getType();
        Type extraType = new TypeToken<Map<String, Object>>() {}.getType();
        Map<String, Map<String, Object>> hooks =
                gson.fromJson(gson.toJson(state.hooks()), hooksType);
        return new TrainerState(state.iteration(), hooks, state.extra());
    }

    @Test
    void theSchedulesAreExtensionsTheValidatorKnows() throws Exception {
        try (KilnRun run = run("PyTorch")) {
            assertThat(run.registry().names(ExtensionPoints.SCHEDULE))
                    .containsExactlyInAnyOrder(
                            "constant",
                            "cosine",
                            "linear",
                            "exponential",
                            "polynomial",
                            "step",
                            "multi-step",
                            "step-with-fixed-gamma",
                            "composite",
                            "plateau",
                            "triangle"); // a test fixture, as a third-party jar would add
        }
        assertThatThrownBy(() -> run("PyTorch", "kiln.lr-schedule.type=cosin"))
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("kiln.lr-schedule.type")
                .hasMessageContaining("unknown schedule type \"cosin\"; did you mean cosine?")
                .hasMessageContaining("known: composite, constant, cosine");
        assertThatThrownBy(() -> run("PyTorch", "kiln.lr-schedule.end-valu=0.1"))
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("kiln.lr-schedule.end-valu")
                .hasMessageContaining("did you mean end-value?");
        assertThatThrownBy(() -> run("PyTorch", "kiln.lr-schedule.warmup.length=short"))
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("kiln.lr-schedule.warmup.length");
    }

    @Test
    void aScheduleOfAnotherJarIsSelectedByNameAlsoInsideAComposite() throws Exception {
        // the test fixture "triangle", peak 0.25: up to 1 at iteration 7.5 of 30, then down
        try (KilnRun run = run("PyTorch", "kiln.lr-schedule { type = triangle, peak = 0.25 }");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            double[] lr = lrs(trainer);
            assertThat(lr[0]).isZero();
            // (the rate is a float: 1e-8 is its precision here)
            // where 0.1: 0.1 / 0.25 = 0.4
            assertThat(lr[3]).isCloseTo(BASE_LR * 0.4, within(1e-8));
            // where 0.5: (1 - 0.5) / 0.75 = 2/3
            assertThat(lr[15]).isCloseTo(BASE_LR * 2 / 3, within(1e-8));
        }
        // a composite's child by the same name: the triangle over the first half, rescaled
        try (KilnRun run =
                        run(
                                "PyTorch",
                                "kiln.lr-schedule { type = composite, lengths = [0.5, 0.5],"
                                        + " schedules = [{type = triangle},"
                                        + " {type = constant, value = 0.1}] }");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            double[] lr = lrs(trainer);
            // iteration 6: where 0.2, in the child 0.4, below its default peak 0.5: 0.8
            assertThat(lr[6]).isCloseTo(BASE_LR * 0.8, within(1e-8));
            assertThat(lr[20]).isCloseTo(BASE_LR * 0.1, within(1e-8));
        }
    }

    @Test
    void aBadScheduleStopsTheBuildNamingTheOverride() throws Exception {
        try (KilnRun run =
                        run(
                                "PyTorch",
                                "kiln.lr-schedule.type=multi-step",
                                "kiln.lr-schedule.milestones=[20, 40]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::setUp)
                    .hasMessageContaining("lr-scheduler")
                    .hasMessageContaining(
                            "command line override 12: kiln.lr-schedule.milestones: must be"
                                    + " strictly increasing iterations, each > 0 and < max-iter"
                                    + " (30); got [20, 40]");
        }
        assertThat(tmp.resolve("run")).doesNotExist();
    }
}
