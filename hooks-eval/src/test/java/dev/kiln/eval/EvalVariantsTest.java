package dev.kiln.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.events.EventStorage;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.TrainerWithHooks;
import dev.kiln.train.HookBase;
import dev.kiln.train.WeightsVariant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The eval hook also evaluates every registered {@link WeightsVariant}, as {@code
 * test-<variant>/<name>}, and training goes on with the trained values.
 */
class EvalVariantsTest {

    @TempDir Path tmp;

    /** A variant whose values are all zeros, or the trained values themselves. */
    static final class TestVariant extends HookBase implements WeightsVariant {
        private final String name;
        private final boolean zeros;
        private final AtomicReference<DefaultTrainer> trainer;
        int swaps;
        int closes;

        TestVariant(String name, boolean zeros, AtomicReference<DefaultTrainer> trainer) {
            this.name = name;
            this.zeros = zeros;
            this.trainer = trainer;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String variantName() {
            return name;
        }

        @Override
        public Swap swapIn() {
            swaps++;
            List<NDArray> arrays = new ArrayList<>();
            List<TensorData> trained = new ArrayList<>();
            for (Pair<String, Parameter> p : trainer.get().model().getParameters()) {
                NDArray weight = p.getValue().getArray();
                arrays.add(weight);
                trained.add(TensorData.of(weight));
                if (zeros) {
                    try (NDManager m = weight.getManager().newSubManager()) {
                        weight.set(new NDIndex("..."), m.zeros(weight.getShape()));
                    }
                }
            }
            return () -> {
                closes++;
                for (int i = 0; i < arrays.size(); i++) {
                    try (NDManager m = arrays.get(i).getManager().newSubManager()) {
                        arrays.get(i).set(new NDIndex("..."), trained.get(i).toNDArray(m));
                    }
                }
            };
        }
    }

    /** A variant that has no values yet. */
    static final class EmptyVariant extends HookBase implements WeightsVariant {
        @Override
        public String variantName() {
            return "empty";
        }

        @Override
        public Swap swapIn() {
            throw new IllegalStateException("no values yet");
        }
    }

    private static Map<String, byte[]> parameters(DefaultTrainer trainer) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : trainer.model().getParameters()) {
            result.put(p.getKey(), TensorData.of(p.getValue().getArray()).data());
        }
        return result;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void evaluatesEachVariantBesideTheTrainedValuesAndPutsThemBack(String engine) {
        String[] settings = {
            "kiln.hooks=[eval]", "kiln.eval.period=10", "kiln.eval.evaluators=[accuracy, loss]"
        };
        Map<String, byte[]> plain;
        try (KilnRun run = Runs.load(tmp.resolve("plain"), engine, settings);
                DefaultTrainer trainer = new TrainerWithHooks(run, List.of(), List.of())) {
            trainer.train();
            plain = parameters(trainer);
        }

        AtomicReference<DefaultTrainer> ref = new AtomicReference<>();
        TestVariant same = new TestVariant("same", false, ref);
        TestVariant zeros = new TestVariant("zeros", true, ref);
        try (KilnRun run = Runs.load(tmp.resolve("variants"), engine, settings);
                DefaultTrainer trainer =
                        new TrainerWithHooks(
                                run, List.of(), List.of(same, new EmptyVariant(), zeros))) {
            ref.set(trainer);
            trainer.train();
            EventStorage storage = trainer.trainer().storage();
            for (String name : List.of("test/accuracy", "test-same/accuracy", "test-zeros/loss")) {
                assertThat(storage.history(name).iterations()).as(name).containsExactly(9, 19, 24);
                assertThat(storage.smoothingHints().get(name)).as(name).isFalse();
            }
            assertThat(storage.scalarNames()).noneMatch(n -> n.startsWith("test-empty/"));
            // the trained values, swapped in as a variant, measure the same
            assertThat(storage.history("test-same/accuracy").values())
                    .containsExactly(storage.history("test/accuracy").values());
            assertThat(storage.history("test-same/loss").values())
                    .containsExactly(storage.history("test/loss").values());
            // all-zero parameters give equal logits: a cross-entropy of ln 10
            assertThat(storage.history("test-zeros/loss").latest())
                    .isCloseTo(Math.log(10), within(1e-5));
            assertThat(storage.history("test/loss").latest()).isLessThan(Math.log(10));
            // the table and the expected results see every result, raw ones first
            EvalHook hook =
                    (EvalHook)
                            trainer.trainer().hooks().stream()
                                    .filter(h -> h instanceof EvalHook)
                                    .findFirst()
                                    .orElseThrow();
            assertThat(hook.latest().keySet())
                    .containsExactly(
                            "test/accuracy",
                            "test/top5-accuracy",
                            "test/loss",
                            "test-same/accuracy",
                            "test-same/top5-accuracy",
                            "test-same/loss",
                            "test-zeros/accuracy",
                            "test-zeros/top5-accuracy",
                            "test-zeros/loss");
            assertThat(same.swaps).isEqualTo(3).isEqualTo(same.closes);
            assertThat(zeros.swaps).isEqualTo(3).isEqualTo(zeros.closes);
            // training went on with the trained values: the same parameters as without variants
            Map<String, byte[]> now = parameters(trainer);
            plain.forEach((k, v) -> assertThat(now.get(k)).as(k).isEqualTo(v));
            // eval-only evaluates the variants too
            assertThat(hook.evaluateOnly()).containsKeys("test/accuracy", "test-zeros/loss");
        }
    }
}
