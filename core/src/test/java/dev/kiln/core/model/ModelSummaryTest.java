package dev.kiln.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelSummaryTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aSmallMlpIsSummarizedTheSameOnEveryEngine(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Block block = Mlp.builder().hiddenSizes(4).outputSize(3).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 5));

            ModelSummary summary = ModelSummary.of(block);

            assertThat(summary.text())
                    .isEqualTo(
                            String.join(
                                    "\n",
                                    "name              shape   params  trainable",
                                    "01hidden1_weight  (4, 5)      20  yes",
                                    "01hidden1_bias    (4)          4  yes",
                                    "03output_weight   (3, 4)      12  yes",
                                    "03output_bias     (3)          3  yes",
                                    "",
                                    "parameters: 39, trainable: 39, non-trainable: 0, size at"
                                            + " float32: 156 bytes",
                                    ""));
            assertThat(summary.parameters()).isEqualTo(39);
            assertThat(summary.trainableParameters()).isEqualTo(39);
            assertThat(summary.bytesAtFloat32()).isEqualTo(156);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aFrozenParameterCountsAsNotTrainable(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Block block = Mlp.builder().hiddenSizes(4).outputSize(3).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 5));
            block.getParameters().get("01hidden1_bias").freeze(true);

            ModelSummary summary = ModelSummary.of(block);

            assertThat(summary.text())
                    .contains("01hidden1_bias    (4)          4  no\n")
                    .endsWith(
                            "parameters: 39, trainable: 35, non-trainable: 4, size at float32:"
                                    + " 156 bytes\n");
        }
    }
}
