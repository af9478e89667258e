package dev.kiln.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.loss.Loss;
import dev.kiln.core.data.CsvDataset;
import dev.kiln.core.data.SampledBatchSource;
import dev.kiln.core.data.TrainingSampler;
import dev.kiln.core.model.Mlp;
import dev.kiln.core.optim.Sgd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One step over K micro-batches equals one step over the whole batch. */
class GradientAccumulationTest {

    private static final int BATCH = 8;

    /** A trainer over the digits, 8 examples a batch, its parameters set to {@code initial}. */
    private static SimpleTrainer trainer(
            NDManager manager, LossFunction loss, List<float[]> initial) throws Exception {
        Path file =
                Path.of(GradientAccumulationTest.class.getResource("/data/digits-40.csv").toURI());
        CsvDataset data =
                CsvDataset.builder()
                        .setPath(file)
                        .optScaling("standardize")
                        .setSampling(BATCH, true)
                        .build();
        Block model = Mlp.builder().hiddenSizes(16).outputSize(10).build();
        model.initialize(manager, DataType.FLOAT32, new Shape(BATCH, data.featureCount()));
        if (initial != null) {
            ParameterList parameters = model.getParameters();
            for (int i = 0; i < parameters.size(); i++) {
                parameters.valueAt(i).getArray().set(initial.get(i));
            }
        }
        SampledBatchSource source =
                new SampledBatchSource(data, new TrainingSampler(data.rowCount(), true, 7), BATCH);
        return new SimpleTrainer(
                model, manager, loss, Sgd.builder().learningRate(0.1f).build(), source);
    }

    private static List<float[]> parameters(SimpleTrainer trainer) {
        List<float[]> out = new ArrayList<>();
        ParameterList parameters = trainer.model().getParameters();
        for (int i = 0; i < parameters.size(); i++) {
            out.add(parameters.valueAt(i).getArray().toFloatArray());
        }
        return out;
    }

    /** The parameters after iterations 0 and 2, and the calls each hook callback got. */
    private static final class Recorder {
        final List<List<float[]>> snapshots = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        int lossCalls;

        LossFunction loss() {
            LossFunction ce = LossFunction.of("loss_cls", Loss.softmaxCrossEntropyLoss());
            return (predictions, labels) -> {
                lossCalls++;
                return ce.compute(predictions, labels);
            };
        }

        Hook hook(SimpleTrainer trainer) {
            return LambdaHook.builder()
                    .beforeStep(t -> calls.add("beforeStep " + t.iter()))
                    .afterBackward(
                            t -> calls.add("afterBackward " + t.iter() + " after " + lossCalls))
                    .afterStep(
                            t -> {
                                calls.add("afterStep " + t.iter());
                                if (t.iter() == 0 || t.iter() == 2) {
                                    snapshots.add(parameters(trainer));
                                }
                            })
                    .build();
        }
    }

    private static void assertClose(List<float[]> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            float[] a = actual.get(i);
            float[] e = expected.get(i);
            assertThat(a).hasSameSizeAs(e);
            double largest = 0;
            double difference = 0;
            for (int j = 0; j < e.length; j++) {
                largest = Math.max(largest, Math.abs(e[j]));
                difference = Math.max(difference, Math.abs(a[j] - e[j]));
            }
            assertThat(difference).as("parameter %d", i).isLessThanOrEqualTo(1e-5 * largest);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void twoMicroBatchesMakeTheStepOfTheWholeBatch(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        engine.setRandomSeed(3);
        try (NDManager manager = engine.newBaseManager()) {
            Recorder whole = new Recorder();
            SimpleTrainer full = trainer(manager, whole.loss(), null);
            List<float[]> initial = parameters(full);
            full.registerHooks(whole.hook(full));
            full.train(0, 3);
            full.data().close();

            Recorder split = new Recorder();
            SimpleTrainer accumulating = trainer(manager, split.loss(), initial);
            assertClose(parameters(accumulating), initial);
            accumulating.setAccumulateSteps(2);
            accumulating.registerHooks(split.hook(accumulating));
            accumulating.train(0, 3);
            accumulating.data().close();

            assertThat(split.snapshots).hasSize(2);
            assertClose(split.snapshots.get(0), whole.snapshots.get(0));
            assertClose(split.snapshots.get(1), whole.snapshots.get(1));
            // the parameters moved: the comparison is not of untouched ones
            assertThat(whole.snapshots.get(1).get(0)).isNotEqualTo(initial.get(0));

            // one iteration per step for the hooks, afterBackward after both micro-batches
            assertThat(split.lossCalls).isEqualTo(6);
            assertThat(split.calls)
                    .containsExactly(
                            "beforeStep 0",
                            "afterBackward 0 after 2",
                            "afterStep 0",
                            "beforeStep 1",
                            "afterBackward 1 after 4",
                            "afterStep 1",
                            "beforeStep 2",
                            "afterBackward 2 after 6",
                            "afterStep 2");

            // total_loss is the whole batch's loss, the mean of the micro-batches' ones
            double[] expected = full.storage().history("total_loss").values();
            double[] actual = accumulating.storage().history("total_loss").values();
            assertThat(actual).hasSize(3);
            for (int i = 0; i < expected.length; i++) {
                assertThat(Math.abs(actual[i] - expected[i]))
                        .as("total_loss at %d", i)
                        .isLessThanOrEqualTo(1e-5 * Math.abs(expected[i]));
            }
            assertThat(accumulating.storage().scalarNames())
                    .containsExactlyInAnyOrder("data_time", "total_loss", "lr");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aBatchThatDoesNotSplitEvenlyStopsTheStep(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Recorder recorder = new Recorder();
            SimpleTrainer trainer = trainer(manager, recorder.loss(), null);
            List<float[]> initial = parameters(trainer);
            trainer.setAccumulateSteps(3);
            assertThatThrownBy(() -> trainer.train(0, 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("into 3 equal micro-batches");
            trainer.data().close();
            assertThat(recorder.lossCalls).isZero();
            assertClose(parameters(trainer), initial);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aNonFiniteLossInALaterMicroBatchLeavesTheParametersAlone(String engineName)
            throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            LossFunction ce = LossFunction.of("loss_cls", Loss.softmaxCrossEntropyLoss());
            int[] calls = {0};
            LossFunction loss =
                    (predictions, labels) -> {
                        Map<String, NDArray> terms = ce.compute(predictions, labels);
                        // the second micro-batch of iteration 1
                        return calls[0]++ == 3
                                ? Map.of("loss_cls", terms.get("loss_cls").mul(Float.NaN))
                                : terms;
                    };
            SimpleTrainer trainer = trainer(manager, loss, null);
            trainer.setAccumulateSteps(2);
            List<List<float[]>> afterFirst = new ArrayList<>();
            trainer.registerHooks(
                    LambdaHook.builder()
                            .afterStep(t -> afterFirst.add(parameters(trainer)))
                            .build());
            assertThatThrownBy(() -> trainer.train(0, 3))
                    .isInstanceOf(NonFiniteLossException.class)
                    .hasMessageContaining("at iteration 1")
                    .hasMessageContaining("loss_cls=NaN");
            trainer.data().close();
            assertThat(afterFirst).hasSize(1);
            List<float[]> now = parameters(trainer);
            for (int i = 0; i < now.size(); i++) {
                assertThat(now.get(i)).isEqualTo(afterFirst.get(0).get(i));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch"})
    void accumulateStepsBelowOneIsRefused(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            SimpleTrainer trainer = trainer(manager, new Recorder().loss(), null);
            trainer.data().close();
            assertThatThrownBy(() -> trainer.setAccumulateSteps(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("accumulate steps must be at least 1 but is 0");
            assertThat(trainer.accumulateSteps()).isEqualTo(1);
        }
    }
}
