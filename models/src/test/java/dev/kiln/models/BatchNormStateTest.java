package dev.kiln.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.kiln.checkpoint.Checkpointer;
import dev.kiln.core.optim.AdamW;
import dev.kiln.core.optim.Sgd;
import dev.kiln.optim.StatefulOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch norm's running mean and variance on both engines: they are parameters without gradient
 * (so {@code getParameters()}, and with it Kiln's checkpointer, includes them), each training
 * forward pass updates them in place and inference leaves them, Kiln's optimizers never touch
 * them, and a checkpoint saves and restores them bit for bit.
 */
class BatchNormStateTest {

    @TempDir Path tmp;

    /**
     * DJL's momentum 0.9 means {@code running = 0.9 running + 0.1 batch} on both engines; the
     * batch variance is the unbiased one (n - 1) on PyTorch and the biased one (n) on MXNet.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aTrainingPassMovesTheRunningStatisticsTowardsTheBatchAndInferenceDoesNot(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Block norm = BatchNorm.builder().build();
            norm.initialize(manager, DataType.FLOAT32, new Shape(4, 2, 3, 3));
            Parameter mean = norm.getParameters().get("runningMean");
            Parameter variance = norm.getParameters().get("runningVar");
            assertThat(mean.requiresGradient()).isFalse();
            assertThat(variance.requiresGradient()).isFalse();
            assertThat(norm.getParameters().get("gamma").requiresGradient()).isTrue();
            NDArray x = Images.batch(manager, 3, 4, 2, 3);

            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray y =
                        norm.forward(new ParameterStore(manager, false), new NDList(x), true)
                                .head();
                collector.backward(y.sum());
            }

            // per channel: the 36 values of 4 images of 3x3
            float[][] values = new float[2][36];
            float[] all = x.toFloatArray();
            for (int i = 0; i < all.length; i++) {
                int image = i / 18;
                int channel = (i / 9) % 2;
                values[channel][image * 9 + i % 9] = all[i];
            }
            boolean unbiased = engine.equals("PyTorch");
            for (int c = 0; c < 2; c++) {
                double m = 0;
                for (float v : values[c]) {
                    m += v / 36.0;
                }
                double squares = 0;
                for (float v : values[c]) {
                    squares += (v - m) * (v - m);
                }
                double batchVariance = squares / (unbiased ? 35 : 36);
                assertThat(mean.getArray().toFloatArray()[c])
                        .isCloseTo((float) (0.1 * m), within(1e-6f));
                assertThat(variance.getArray().toFloatArray()[c])
                        .isCloseTo((float) (0.9 + 0.1 * batchVariance), within(1e-6f));
            }
            assertThat(mean.getArray().hasGradient()).isFalse();

            float[] before = mean.getArray().toFloatArray();
            norm.forward(new ParameterStore(manager, false), new NDList(x), false);
            assertThat(mean.getArray().toFloatArray()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, sgd", "PyTorch, adamw", "MXNet, sgd", "MXNet, adamw"})
    void theOptimizerLeavesTheRunningStatisticsAsTheForwardPassLeftThem(
            String engine, String optimizerName) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                StatefulOptimizer optimizer = optimizer(optimizerName)) {
            Block model = cnn(manager);
            NDArray images = Images.batch(manager, 31, 8, 1, 12);
            NDArray labels = Images.labels(manager, 32, 8, 3);
            Map<String, byte[]> initial = Images.bytes(model);

            for (int step = 0; step < 3; step++) {
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    NDList out =
                            model.forward(
                                    new ParameterStore(manager, false), new NDList(images), true);
                    collector.backward(
                            Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), out));
                }
                Map<String, byte[]> afterForward = Images.bytes(model);
                optimizer.step(model.getParameters());
                Map<String, byte[]> afterStep = Images.bytes(model);

                for (String name : afterStep.keySet()) {
                    boolean statistic = name.endsWith("runningMean") || name.endsWith("runningVar");
                    if (statistic) {
                        assertThat(afterStep.get(name)).as(name).isEqualTo(afterForward.get(name));
                        assertThat(afterStep.get(name)).as(name).isNotEqualTo(initial.get(name));
                    } else {
                        assertThat(afterStep.get(name))
                                .as(name)
                                .isNotEqualTo(afterForward.get(name));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCheckpointRestoresEveryParameterAndTheRunningStatisticsBitForBit(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                StatefulOptimizer sgd = momentumSgd();
                StatefulOptimizer resumedSgd = momentumSgd()) {
            NDArray images = Images.batch(manager, 41, 8, 1, 12);
            NDArray labels = Images.labels(manager, 42, 8, 3);
            Block model = cnn(manager);
            for (int step = 0; step < 3; step++) {
                Images.step(model, manager, sgd, images, labels);
            }
            Path saved =
                    Checkpointer.builder(tmp, model)
                            .optimizer(sgd)
                            .build()
                            .save("model_0000002", Map.of("iteration", 3));

            manager.getEngine().setRandomSeed(99); // other initial weights
            Block resumed = new Cnn(List.of(4, 8), 3, true, true, List.of(16), 0f).build(3);
            resumed.initialize(manager, DataType.FLOAT32, new Shape(8, 1, 12, 12));
            assertThat(Images.bytes(resumed).get("02bn1_runningMean"))
                    .isNotEqualTo(Images.bytes(model).get("02bn1_runningMean"));
            Checkpointer.builder(tmp, resumed).optimizer(resumedSgd).build().load(saved);

            assertBitwiseEqual(Images.bytes(resumed), Images.bytes(model));
            assertThat(Images.predict(resumed, manager, images).toFloatArray())
                    .isEqualTo(Images.predict(model, manager, images).toFloatArray());
            // and training goes on as if it had never stopped
            for (int step = 0; step < 2; step++) {
                Images.step(model, manager, sgd, images, labels);
                Images.step(resumed, manager, resumedSgd, images, labels);
            }
            assertBitwiseEqual(Images.bytes(resumed), Images.bytes(model));
        }
    }

    private static Block cnn(NDManager manager) {
        return Images.initialized(
                new Cnn(List.of(4, 8), 3, true, true, List.of(16), 0f).build(3),
                manager,
                new Shape(8, 1, 12, 12));
    }

    private static StatefulOptimizer optimizer(String name) {
        return name.equals("sgd")
                ? Sgd.builder().learningRate(0.05f).momentum(0.9f).weightDecay(0.1f).build()
                : AdamW.builder().learningRate(1e-2f).weightDecay(0.1f).build();
    }

    private static StatefulOptimizer momentumSgd() {
        return Sgd.builder().learningRate(0.05f).momentum(0.9f).build();
    }

    private static void assertBitwiseEqual(
            Map<String, byte[]> actual, Map<String, byte[]> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
    }
}
