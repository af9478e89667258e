package dev.kiln.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MlpTest {

    private static long parameterCount(Block block) {
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            total += p.getValue().getArray().size();
        }
        return total;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void digitsMlpHasTheExpectedShapeAndParameters(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Block block = Mlp.builder().hiddenSizes(256, 256).outputSize(10).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(5, 64));
            assertThat(parameterCount(block))
                    .isEqualTo(64 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10);
            assertThat(block.getParameters().keys())
                    .containsExactly(
                            "01hidden1_weight", "01hidden1_bias",
                            "03hidden2_weight", "03hidden2_bias",
                            "05output_weight", "05output_bias");
            assertThat(block.getOutputShapes(new Shape[] {new Shape(5, 64)}))
                    .containsExactly(new Shape(5, 10));
            NDArray x = manager.randomUniform(0, 16, new Shape(5, 64));
            NDArray y =
                    block.forward(new ParameterStore(manager, false), new NDList(x), false)
                            .singletonOrThrow();
            assertThat(y.getShape()).isEqualTo(new Shape(5, 10));
            assertThat(y.getDataType()).isEqualTo(DataType.FLOAT32);
        }
    }

    private static final Map<String, DoubleUnaryOperator> REFERENCE =
            Map.ofEntries(
                    Map.entry("relu", x -> Math.max(0, x)),
                    Map.entry("relu6", x -> Math.min(6, Math.max(0, x))),
                    Map.entry("leaky-relu", x -> x > 0 ? x : 0.01 * x),
                    Map.entry("elu", x -> x > 0 ? x : Math.expm1(x)),
                    Map.entry(
                            "selu",
                            x ->
                                    1.0507009873554805
                                            * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x))),
                    Map.entry(
                            "gelu",
                            x ->
                                    0.5
                                            * x
                                            * (1
                                                    + Math.tanh(
                                                            Math.sqrt(2 / Math.PI)
                                                                    * (x + 0.044715 * x * x * x)))),
                    Map.entry("swish", x -> x / (1 + Math.exp(-x))),
                    Map.entry("mish", x -> x * Math.tanh(Math.log1p(Math.exp(x)))),
                    Map.entry("tanh", Math::tanh),
                    Map.entry("sigmoid", x -> 1 / (1 + Math.exp(-x))),
                    Map.entry("softplus", x -> Math.log1p(Math.exp(x))),
                    Map.entry("softsign", x -> x / (1 + Math.abs(x))));

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void everyListedActivationComputesItsFunction(String engine) {
        assertThat(REFERENCE.keySet()).containsExactlyInAnyOrderElementsOf(Mlp.activationNames());
        float[] input = {-3, -1, -0.25f, 0.5f, 2, 7};
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            NDArray x = manager.create(input, new Shape(1, input.length));
            for (String name : Mlp.activationNames()) {
                Block mlp = Mlp.builder().hiddenSizes(3).outputSize(2).activation(name).build();
                assertThat(mlp.getChildren().keys().get(1)).isEqualTo("02" + name + "1");
                Block activation = mlp.getChildren().get(1).getValue();
                float[] y =
                        activation
                                .forward(new ParameterStore(manager, false), new NDList(x), false)
                                .singletonOrThrow()
                                .toFloatArray();
                for (int i = 0; i < input.length; i++) {
                    // GELU may be exact (erf) or the tanh approximation; they differ by < 1e-3.
                    assertThat((double) y[i])
                            .as(name + "(" + input[i] + ")")
                            .isCloseTo(REFERENCE.get(name).applyAsDouble(input[i]), within(1e-3));
                }
            }
        }
    }

    @Test
    void unknownActivationListsTheValidOnes() {
        assertThatThrownBy(() -> Mlp.builder().activation("swishy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown activation \"swishy\"; valid: relu, relu6, leaky-relu, elu,"
                                + " selu, gelu, swish, mish, tanh, sigmoid, softplus, softsign");
        assertThat(Mlp.builder().activation(" TanH ").toString()).contains("activation=tanh");
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> Mlp.builder().hiddenSizes(List.of(4, 0)))
                .hasMessage("hidden sizes must be at least 1, got [4, 0]");
        assertThatThrownBy(() -> Mlp.builder().dropout(1f))
                .hasMessage("dropout probability must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> Mlp.builder().hiddenSizes(4).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the MLP's output size is not set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    @SuppressWarnings("try") // the collector only has to be open: MXNet ties dropout to it
    void dropoutIsOnlyActiveInTraining(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Block block = Mlp.builder().hiddenSizes(512).outputSize(4).dropout(0.5f).build();
            assertThat(block.getChildren().keys())
                    .containsExactly("01hidden1", "02relu1", "03dropout1", "04output");
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 8));
            NDArray x = manager.ones(new Shape(2, 8));
            ParameterStore ps = new ParameterStore(manager, false);
            float[] eval1 =
                    block.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            float[] eval2 =
                    block.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            assertThat(eval2).containsExactly(eval1);

            Block noDropout = Mlp.builder().hiddenSizes(512).outputSize(4).build();
            noDropout.initialize(manager, DataType.FLOAT32, new Shape(2, 8));
            List<Parameter> from = block.getParameters().values();
            List<Parameter> to = noDropout.getParameters().values();
            for (int i = 0; i < from.size(); i++) {
                to.get(i).getArray().set(from.get(i).getArray().toFloatArray());
            }
            float[] plain =
                    noDropout.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            assertThat(plain).containsExactly(eval1);

            float[] train;
            try (GradientCollector collector = engine.newGradientCollector()) {
                train = block.forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray();
            }
            assertThat(train).isNotEqualTo(eval1);
        }
    }
}
