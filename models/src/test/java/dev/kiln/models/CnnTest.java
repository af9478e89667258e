package dev.kiln.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.kiln.core.optim.Adam;
import dev.kiln.optim.StatefulOptimizer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link Cnn}'s layers, shapes and parameters, and that it learns, on both engines. */
class CnnTest {

    @ParameterizedTest
    @CsvSource({
        "PyTorch, true, true",
        "PyTorch, true, false",
        "PyTorch, false, true",
        "PyTorch, false, false",
        "MXNet, true, true",
        "MXNet, true, false",
        "MXNet, false, true",
        "MXNet, false, false"
    })
    void mapsABatchOfImagesToOneScorePerClass(String engine, boolean batchNorm, boolean pool) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Cnn cnn = new Cnn(List.of(4, 8), 3, batchNorm, pool, List.of(16), 0.25f);
            Block model = Images.initialized(cnn.build(10), manager, new Shape(8, 1, 12, 12));

            NDArray out = Images.predict(model, manager, Images.batch(manager, 1, 8, 1, 12));

            assertThat(out.getShape()).isEqualTo(new Shape(8, 10));
            assertThat(model.getOutputShapes(new Shape[] {new Shape(8, 1, 12, 12)}))
                    .containsExactly(new Shape(8, 10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void hasTheParametersAHandCountGives(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Cnn cnn = new Cnn(List.of(4, 8), 3, true, true, List.of(16), 0f);
            Block model = Images.initialized(cnn.build(10), manager, new Shape(2, 1, 12, 12));

            long conv1 = 1 * 4 * 3 * 3; // no bias: batch norm follows
            long bn1 = 4 * 4; // gamma, beta, running mean, running variance
            long conv2 = 4 * 8 * 3 * 3;
            long bn2 = 8 * 4;
            long flat = 8 * 3 * 3; // 12 -> 6 -> 3 after two pools
            long dense1 = flat * 16 + 16;
            long output = 16 * 10 + 10;
            assertThat(Images.count(model, false))
                    .isEqualTo(conv1 + bn1 + conv2 + bn2 + dense1 + output)
                    .isEqualTo(1710);
            assertThat(Images.count(model, true)).isEqualTo(1710 - 2 * 4 - 2 * 8);
            assertThat(model.getParameters().keys())
                    .containsExactly(
                            "01conv1_weight",
                            "02bn1_gamma",
                            "02bn1_beta",
                            "02bn1_runningMean",
                            "02bn1_runningVar",
                            "05conv2_weight",
                            "06bn2_gamma",
                            "06bn2_beta",
                            "06bn2_runningMean",
                            "06bn2_runningVar",
                            "10dense1_weight",
                            "10dense1_bias",
                            "12output_weight",
                            "12output_bias");

            // without batch norm or pooling, with a 5x5 kernel on two channels: the conv has a bias
            Cnn plain = new Cnn(List.of(4), 5, false, false, List.of(), 0f);
            Block small = Images.initialized(plain.build(3), manager, new Shape(2, 2, 6, 6));
            assertThat(Images.count(small, false))
                    .isEqualTo((2 * 4 * 25 + 4) + (4 * 6 * 6 * 3 + 3));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aFewAdamStepsWithBatchNormLowerTheLossOnAFixedBatch(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                StatefulOptimizer adam = Adam.builder().learningRate(1e-2f).build()) {
            Cnn cnn = new Cnn(List.of(4, 8), 3, true, true, List.of(16), 0f);
            Block model = Images.initialized(cnn.build(3), manager, new Shape(8, 1, 12, 12));
            NDArray images = Images.batch(manager, 11, 8, 1, 12);
            NDArray labels = Images.labels(manager, 12, 8, 3);

            float first = Images.step(model, manager, adam, images, labels);
            float last = first;
            for (int i = 0; i < 15; i++) {
                last = Images.step(model, manager, adam, images, labels);
            }

            assertThat(last).isLessThan(first / 2);
        }
    }
}
