package dev.kiln.ema;

import static dev.kiln.ema.Runs.floats;
import static dev.kiln.ema.Runs.parameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.SettingsException;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import dev.kiln.testkit.TrainerWithHooks;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import dev.kiln.train.TrainerState;
import dev.kiln.train.WeightsVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ema hook in real runs on both engines: its values against a hand computation, a swap that
 * puts the trained values back bitwise, a resume that continues the average bitwise, its settings.
 */
class EmaHookTest {

    @TempDir Path tmp;

    /** Records every parameter's values after each step, after the ema hook has run. */
    private static final class Recorder {
        final Map<String, List<float[]>> values = new LinkedHashMap<>();
        DefaultTrainer trainer;

        Hook hook() {
            return LambdaHook.builder()
                    .name("recorder")
                    .afterStep(
                            t ->
                                    floats(trainer)
                                            .forEach(
                                                    (k, v) ->
                                                            values.computeIfAbsent(
                                                                            k,
                                                                            x -> new ArrayList<>())
                                                                    .add(v)))
                    .build();
        }
    }

    /** The average computed in double, the textbook way, from the values after each step. */
    private static double[] byHand(List<float[]> steps, double decay, boolean warmup) {
        double[] ema = new double[steps.get(0).length];
        for (int i = 0; i < ema.length; i++) {
            ema[i] = steps.get(0)[i];
        }
        for (int t = 1; t < steps.size(); t++) {
            double d = warmup ? Math.min(decay, (1.0 + t) / (10.0 + t)) : decay;
            float[] v = steps.get(t);
            for (int i = 0; i < ema.length; i++) {
                ema[i] = d * ema[i] + (1 - d) * v[i];
            }
        }
        return ema;
    }

    @ParameterizedTest
    @CsvSource({
        "PyTorch, mlp, false",
        "MXNet, mlp, false",
        "PyTorch, mlp, true",
        "MXNet, mlp, true",
        "PyTorch, bn-mlp, false",
        "MXNet, bn-mlp, false"
    })
    void theAverageIsTheHandComputationOfTheValuesAfterEachStep(
            String engine, String model, boolean warmup) {
        Recorder recorder = new Recorder();
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                engine,
                                "kiln.solver.max-iter=12",
                                "kiln.model.type=" + model,
                                "kiln.ema.decay=0.8",
                                "kiln.ema.warmup=" + warmup);
                TrainerWithHooks trainer =
                        new TrainerWithHooks(run, List.of(), List.of(recorder.hook()))) {
            recorder.trainer = trainer;
            trainer.train();
            EmaHook ema = Runs.ema(trainer);
            assertThat(ema.decay()).isEqualTo(0.8);
            assertThat(ema.warmup()).isEqualTo(warmup);
            assertThat(ema.lastIteration()).isEqualTo(11);
            Map<String, float[]> averages = ema.averages();
            assertThat(averages.keySet()).containsExactlyElementsOf(recorder.values.keySet());
            if (model.equals("bn-mlp")) {
                // the running statistics are parameters without gradients, averaged too
                assertThat(averages.keySet())
                        .anyMatch(k -> k.endsWith("runningMean"))
                        .anyMatch(k -> k.endsWith("runningVar"));
            }
            for (Map.Entry<String, List<float[]>> e : recorder.values.entrySet()) {
                List<float[]> steps = e.getValue();
                assertThat(steps).hasSize(12);
                double[] expected = byHand(steps, 0.8, warmup);
                float[] actual = averages.get(e.getKey());
                float[] last = steps.get(steps.size() - 1);
                boolean differs = false;
                for (int i = 0; i < expected.length; i++) {
                    assertThat((double) actual[i])
                            .as("%s[%d]", e.getKey(), i)
                            .isCloseTo(
                                    expected[i],
                                    org.assertj.core.data.Offset.offset(
                                            1e-5 + 1e-5 * Math.abs(expected[i])));
                    differs |= actual[i] != last[i];
                }
                if (!steps.get(0).equals(last) && !java.util.Arrays.equals(steps.get(0), last)) {
                    assertThat(differs)
                            .as("%s is an average, not the last values", e.getKey())
                            .isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aFrozenParametersAverageIsItsValueBitwise(String engine) {
        try (KilnRun run =
                        Runs.load(
                                tmp,
                                engine,
                                "kiln.solver.max-iter=6",
                                "kiln.ema.decay=0.7",
                                "kiln.solver.freeze=[\".*hidden1_.*\"]");
                TrainerWithHooks trainer = new TrainerWithHooks(run, List.of(), List.of())) {
            trainer.train();
            Map<String, float[]> now = floats(trainer);
            Map<String, float[]> averages = Runs.ema(trainer).averages();
            assertThat(averages.get("01hidden1_weight")).isEqualTo(now.get("01hidden1_weight"));
            assertThat(averages.get("01hidden1_bias")).isEqualTo(now.get("01hidden1_bias"));
            assertThat(averages.get("03output_weight")).isNotEqualTo(now.get("03output_weight"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aSwapBeforeTheHooksOwnAfterStepIsUpToDateAndAveragesOnce(String engine) {
        // the reference: the averages after iterations 5 and 29, read after the ema hook
        Map<String, float[]> atFive = new LinkedHashMap<>();
        Map<String, float[]> reference;
        List<TrainerWithHooks> ref = new ArrayList<>();
        Hook readAtFive =
                LambdaHook.builder()
                        .name("read")
                        .afterStep(
                                t -> {
                                    if (t.iter() == 5) {
                                        atFive.putAll(Runs.ema(ref.get(0)).averages());
                                    }
                                })
                        .build();
        try (KilnRun run = Runs.load(tmp.resolve("ref"), engine);
                TrainerWithHooks trainer =
                        new TrainerWithHooks(run, List.of(), List.of(readAtFive))) {
            ref.add(trainer);
            trainer.train();
            reference = Runs.ema(trainer).averages();
        }

        // a hook before ema swaps the average in at iteration 5, in its afterStep
        Map<String, float[]> swapped = new LinkedHashMap<>();
        Map<String, TensorData> before = new LinkedHashMap<>();
        Map<String, TensorData> after = new LinkedHashMap<>();
        List<TrainerWithHooks> holder = new ArrayList<>();
        Hook swapper =
                LambdaHook.builder()
                        .name("swapper")
                        .afterStep(
                                t -> {
                                    if (t.iter() == 5) {
                                        TrainerWithHooks trainer = holder.get(0);
                                        before.putAll(parameters(trainer));
                                        try (WeightsVariant.Swap swap =
                                                Runs.ema(trainer).swapIn()) {
                                            swapped.putAll(floats(trainer));
                                        }
                                        after.putAll(parameters(trainer));
                                    }
                                })
                        .build();
        try (KilnRun run = Runs.load(tmp.resolve("swap"), engine);
                TrainerWithHooks trainer = new TrainerWithHooks(run, List.of(swapper), List.of())) {
            holder.add(trainer);
            trainer.train();
            assertThat(trainer.trainer().hooks().indexOf(swapper))
                    .isLessThan(trainer.trainer().hooks().indexOf(Runs.ema(trainer)));
            // the swap showed the average of iteration 5, before ema's own afterStep ran
            assertThat(swapped.keySet()).containsExactlyElementsOf(atFive.keySet());
            atFive.forEach((k, v) -> assertThat(swapped.get(k)).as(k).isEqualTo(v));
            // closing put the trained values back bitwise
            assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
            before.forEach((k, v) -> assertThat(after.get(k).data()).as(k).isEqualTo(v.data()));
            // and iteration 5 was averaged once: the end is the reference's, bitwise
            Map<String, float[]> end = Runs.ema(trainer).averages();
            reference.forEach((k, v) -> assertThat(end.get(k)).as(k).isEqualTo(v));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aSwapAfterTrainingPutsTheAverageInAndTheTrainedValuesBack(String engine) {
        try (KilnRun run = Runs.load(tmp, engine, "kiln.solver.max-iter=5");
                TrainerWithHooks trainer = new TrainerWithHooks(run, List.of(), List.of())) {
            trainer.train();
            Map<String, TensorData> trained = parameters(trainer);
            Map<String, float[]> averages = Runs.ema(trainer).averages();
            WeightsVariant variant = Runs.ema(trainer);
            assertThat(variant.variantName()).isEqualTo("ema");
            try (WeightsVariant.Swap swap = variant.swapIn()) {
                Map<String, float[]> in = floats(trainer);
                averages.forEach((k, v) -> assertThat(in.get(k)).as(k).isEqualTo(v));
                assertThatThrownBy(variant::swapIn)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("already swapped");
                swap.close();
                swap.close(); // a second close changes nothing
            }
            Map<String, TensorData> back = parameters(trainer);
            trained.forEach((k, v) -> assertThat(back.get(k).data()).as(k).isEqualTo(v.data()));
            // the average did not move: no step ran since
            Map<String, float[]> again = Runs.ema(trainer).averages();
            averages.forEach((k, v) -> assertThat(again.get(k)).as(k).isEqualTo(v));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRunResumedFromItsStateEndsWithTheAverageOfAnUninterruptedOneBitwise(String engine)
            throws Exception {
        Map<String, float[]> uninterrupted;
        try (KilnRun run = Runs.load(tmp.resolve("full"), engine);
                TrainerWithHooks trainer = new TrainerWithHooks(run, List.of(), List.of())) {
            trainer.train();
            uninterrupted = Runs.ema(trainer).averages();
        }

        // stop after iteration 13 and keep what a checkpoint keeps, on the heap
        TrainerState state;
        Map<String, TensorData> model;
        Map<String, TensorData> optimizer = new LinkedHashMap<>();
        try (KilnRun run = Runs.load(tmp.resolve("stopped"), engine);
                TrainerWithHooks trainer =
                        new TrainerWithHooks(
                                run, List.of(), List.of(TrainerWithHooks.stopAfter(13)))) {
            trainer.train();
            state = trainer.trainer().state();
            model = parameters(trainer);
            try (NDManager m = trainer.manager().newSubManager()) {
                trainer.optimizer()
                        .stateDict(m)
                        .forEach((k, v) -> optimizer.put(k, TensorData.of(v)));
            }
        }
        assertThat(state.iteration()).isEqualTo(14);
        Map<String, Object> saved = state.hooks().get("ema");
        assertThat(saved).containsEntry("iteration", 13L);
        assertThat(saved.get("01hidden1_weight")).isInstanceOf(TensorData.class);
        // as the checkpoint gives it back: numbers through JSON, arrays as TensorData
        Map<String, Object> restored = new LinkedHashMap<>(saved);
        restored.put("iteration", 13.0);
        Map<String, Map<String, Object>> hooks = new LinkedHashMap<>(state.hooks());
        hooks.put("ema", restored);

        try (KilnRun run = Runs.load(tmp.resolve("resumed"), engine);
                TrainerWithHooks trainer = new TrainerWithHooks(run, List.of(), List.of())) {
            trainer.setUp();
            assign(trainer, model);
            StatefulOptimizer sgd = trainer.optimizer();
            try (NDManager m = trainer.manager().newSubManager()) {
                Map<String, NDArray> dict = new LinkedHashMap<>();
                optimizer.forEach((k, v) -> dict.put(k, v.toNDArray(m)));
                sgd.loadStateDict(dict);
            }
            trainer.trainer().loadState(new TrainerState(14, hooks, state.extra()));
            trainer.trainer().train(14, 30);
            Map<String, float[]> end = Runs.ema(trainer).averages();
            assertThat(end.keySet()).containsExactlyElementsOf(uninterrupted.keySet());
            uninterrupted.forEach((k, v) -> assertThat(end.get(k)).as(k).isEqualTo(v));
            assertThat(Runs.ema(trainer).lastIteration()).isEqualTo(29);
        }
    }

    private static void assign(DefaultTrainer trainer, Map<String, TensorData> values) {
        for (Pair<String, Parameter> p : trainer.model().getParameters()) {
            NDArray weight = p.getValue().getArray();
            try (NDManager m = weight.getManager().newSubManager()) {
                weight.set(new NDIndex("..."), values.get(p.getKey()).toNDArray(m));
            }
        }
    }

    @Test
    void holdsNoAverageBeforeTheFirstStep() {
        try (KilnRun run = Runs.load(tmp, "PyTorch");
                TrainerWithHooks trainer = new TrainerWithHooks(run, List.of(), List.of())) {
            trainer.setUp();
            assertThatThrownBy(() -> Runs.ema(trainer).swapIn())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no average yet");
            assertThat(Runs.ema(trainer).saveState()).isEmpty();
        }
    }

    @Test
    void isNotOnByDefault() {
        TrainedRun run = TestTrainer.in(tmp).withDefaults().iterations(2).train();
        assertThat(run.hooks()).noneMatch(h -> h instanceof EmaHook);
    }

    @Test
    void aDecayOutsideZeroToOneIsRefusedNamingTheFileLineAndKey() throws Exception {
        for (String bad : List.of("1", "0", "-0.5", "1.5")) {
            Path conf = tmp.resolve("ema-" + bad + ".conf");
            Files.writeString(conf, "# a run with a bad decay\nkiln.ema.decay = " + bad + "\n");
            assertThatThrownBy(
                            () ->
                                    TestTrainer.in(tmp.resolve("bad-" + bad))
                                            .hooks("ema")
                                            .configFile(conf)
                                            .train())
                    .isInstanceOf(SettingsException.class)
                    .hasMessageContaining(conf.getFileName() + ":2")
                    .hasMessageContaining("kiln.ema.decay")
                    .hasMessageContaining("must be a number in (0, 1)")
                    .hasMessageContaining("but is " + bad);
        }
        assertThatThrownBy(
                        () ->
                                TestTrainer.in(tmp.resolve("override"))
                                        .hooks("ema")
                                        .set("kiln.ema.decay", 1)
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("command line override")
                .hasMessageContaining("kiln.ema.decay");
    }
}
