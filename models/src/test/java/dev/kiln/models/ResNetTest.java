package dev.kiln.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.kiln.core.optim.Sgd;
import dev.kiln.optim.StatefulOptimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link ResNet}'s shapes and parameters, and that it learns, on both engines. */
class ResNetTest {

    @ParameterizedTest
    @CsvSource({
        "PyTorch, 18, true, 1, 28",
        "PyTorch, 50, true, 1, 28",
        "PyTorch, 18, false, 3, 64",
        "PyTorch, 50, false, 3, 64",
        "MXNet, 18, true, 1, 28",
        "MXNet, 50, true, 1, 28",
        "MXNet, 18, false, 3, 64",
        "MXNet, 50, false, 3, 64"
    })
    void mapsABatchOfImagesToOneScorePerClass(
            String engine, int depth, boolean smallInput, int channels, int size) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            ResNet resnet = new ResNet(depth, 8, smallInput);
            Shape input = new Shape(2, channels, size, size);
            Block model = Images.initialized(resnet.build(10), manager, input);

            NDArray out =
                    Images.predict(model, manager, Images.batch(manager, 1, 2, channels, size));

            assertThat(out.getShape()).isEqualTo(new Shape(2, 10));
            assertThat(model.getOutputShapes(new Shape[] {input}))
                    .containsExactly(new Shape(2, 10));
        }
    }

    /**
     * At width 64 with 3 channels and 1000 classes, the trainable parameters are exactly as many as
     * torchvision's resnet18 (11,689,512), resnet34 (21,797,672) and resnet50 (25,557,032) have:
     * the same convolutions, batch norms, projections and classifier. Batch norm's running mean
     * and variance come on top (buffers in PyTorch, parameters without gradient in DJL).
     */
    @ParameterizedTest
    @CsvSource({
        "PyTorch, 18, 11689512, 9600",
        "PyTorch, 50, 25557032, 53120",
        "MXNet, 34, 21797672, 17024"
    })
    void hasAsManyParametersAsTheReferenceResNets(
            String engine, int depth, long trainable, long batchNormStatistics) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Block model =
                    Images.initialized(
                            new ResNet(depth, 64, false).build(1000),
                            manager,
                            new Shape(1, 3, 32, 32));

            assertThat(Images.count(model, true)).isEqualTo(trainable);
            assertThat(Images.count(model, false) - trainable).isEqualTo(batchNormStatistics);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aFewSgdStepsLowerTheLossOnAFixedBatch(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                StatefulOptimizer sgd = Sgd.builder().learningRate(0.05f).momentum(0.9f).build()) {
            Block model =
                    Images.initialized(
                            new ResNet(18, 8, true).build(3), manager, new Shape(8, 1, 12, 12));
            NDArray images = Images.batch(manager, 21, 8, 1, 12);
            NDArray labels = Images.labels(manager, 22, 8, 3);

            float first = Images.step(model, manager, sgd, images, labels);
            float last = first;
            for (int i = 0; i < 10; i++) {
                last = Images.step(model, manager, sgd, images, labels);
            }

            assertThat(last).isLessThan(first / 2);
        }
    }
}
