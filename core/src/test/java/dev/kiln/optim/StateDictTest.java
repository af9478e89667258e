package dev.kiln.optim;

import static dev.kiln.optim.OptimTestSupport.backward;
import static dev.kiln.optim.OptimTestSupport.list;
import static dev.kiln.optim.OptimTestSupport.parameter;
import static dev.kiln.optim.OptimTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import dev.kiln.core.optim.Adam;
import dev.kiln.core.optim.Sgd;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StateDictTest {

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void namesStateByParameterNameWithInt64Steps(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(0.5f).momentum(0.9f).build();
                Sgd plain = Sgd.builder().build()) {
            ParameterList params = trainedOnce(engine, manager, sgd);
            plain.step(params); // no gradient left: nothing happens, no state
            try (NDManager out = engine.newBaseManager()) {
                Map<String, NDArray> state = sgd.stateDict(out);
                assertThat(state)
                        .containsOnlyKeys("01Linear_weight.step", "01Linear_weight.momentum");
                NDArray step = state.get("01Linear_weight.step");
                assertThat(step.getDataType()).isEqualTo(DataType.INT64);
                assertThat(step.getShape()).isEqualTo(new Shape());
                assertThat(step.toLongArray()).containsExactly(1L);
                assertThat(step.getName()).isEqualTo("01Linear_weight.step");
                assertThat(state.get("01Linear_weight.momentum").getManager()).isSameAs(out);
                assertThat(state.get("01Linear_weight.momentum").toFloatArray())
                        .containsExactly(0.5f, 1f);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void stateDictIsACopy(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(0.5f).momentum(0.9f).build()) {
            trainedOnce(engine, manager, sgd);
            try (NDManager out = engine.newBaseManager()) {
                sgd.stateDict(out).get("01Linear_weight.momentum").muli(100);
            }
            try (NDManager out = engine.newBaseManager()) {
                assertThat(sgd.stateDict(out).get("01Linear_weight.momentum").toFloatArray())
                        .containsExactly(0.5f, 1f);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void roundTripsThroughRawBytes(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Adam adam = Adam.builder().build();
                Adam restored = Adam.builder().build()) {
            trainedOnce(engine, manager, adam);
            Map<String, byte[]> bytes = new LinkedHashMap<>();
            Map<String, Shape> shapes = new LinkedHashMap<>();
            Map<String, DataType> types = new LinkedHashMap<>();
            try (NDManager out = engine.newBaseManager()) {
                adam.stateDict(out)
                        .forEach(
                                (k, v) -> {
                                    bytes.put(k, v.toByteArray());
                                    shapes.put(k, v.getShape());
                                    types.put(k, v.getDataType());
                                });
            }
            try (NDManager in = engine.newBaseManager()) {
                Map<String, NDArray> state = new LinkedHashMap<>();
                bytes.forEach(
                        (k, v) -> {
                            ByteBuffer buffer = in.allocateDirect(v.length);
                            buffer.put(v).rewind();
                            state.put(k, in.create(buffer, shapes.get(k), types.get(k)));
                        });
                restored.loadStateDict(state);
            }
            try (NDManager out = engine.newBaseManager()) {
                Map<String, NDArray> again = restored.stateDict(out);
                assertThat(again.keySet()).containsExactlyElementsOf(bytes.keySet());
                again.forEach((k, v) -> assertThat(v.toByteArray()).as(k).isEqualTo(bytes.get(k)));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void stateMovesAcrossEngines(String engineName) {
        Engine from = Engine.getEngine(engineName);
        Engine to = Engine.getEngine(engineName.equals("PyTorch") ? "MXNet" : "PyTorch");
        try (NDManager manager = from.newBaseManager();
                NDManager other = to.newBaseManager();
                Adam adam = Adam.builder().build();
                Adam restored = Adam.builder().build()) {
            trainedOnce(from, manager, adam);
            byte[] bytes;
            try (NDManager out = from.newBaseManager()) {
                bytes = StateDictCodec.encode(adam.stateDict(out));
            }
            restored.loadStateDict(StateDictCodec.decode(other, bytes));
            try (NDManager out = from.newBaseManager()) {
                assertThat(StateDictCodec.encode(restored.stateDict(out))).isEqualTo(bytes);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void missingAndUnknownKeysAreNamed(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Adam adam = Adam.builder().build()) {
            Map<String, NDArray> state = new LinkedHashMap<>();
            state.put("w.step", manager.create(3L));
            state.put("w.exp_avg", manager.zeros(new Shape(2)));
            assertThatThrownBy(() -> adam.loadStateDict(state))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("missing keys [w.exp_avg_sq]");

            state.put("w.exp_avg_sq", manager.zeros(new Shape(2)));
            state.put("w.momentum", manager.zeros(new Shape(2)));
            state.put("nodot", manager.zeros(new Shape(2)));
            assertThatThrownBy(() -> adam.loadStateDict(state))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown keys [nodot, w.momentum]");

            state.remove("w.momentum");
            state.remove("nodot");
            state.remove("w.step");
            assertThatThrownBy(() -> adam.loadStateDict(state))
                    .hasMessageContaining("missing keys [w.step]");

            state.put("w.step", manager.create(1.5f));
            assertThatThrownBy(() -> adam.loadStateDict(state))
                    .hasMessageContaining("w.step must be an int64 or int32 scalar");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void failedLoadKeepsTheOldState(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(0.5f).momentum(0.9f).build()) {
            trainedOnce(engine, manager, sgd);
            Map<String, NDArray> bad = Map.of("w.momentum", manager.zeros(new Shape(2)));
            assertThatThrownBy(() -> sgd.loadStateDict(bad))
                    .isInstanceOf(IllegalArgumentException.class);
            try (NDManager out = engine.newBaseManager()) {
                assertThat(sgd.stateDict(out)).containsKey("01Linear_weight.momentum");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void loadedStateIsUsedByTheNextStep(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(1f).momentum(0.5f).build()) {
            Map<String, NDArray> state = new LinkedHashMap<>();
            state.put("w.step", manager.create(4)); // int32 is accepted too
            state.put("w.momentum", manager.create(new float[] {2, 4}));
            sgd.loadStateDict(state);
            state.values().forEach(NDArray::close); // the optimizer holds copies

            Parameter w = parameter(manager, "w", new float[] {0, 0}, new Shape(2));
            ParameterList params = list("w", w);
            // buf = 0.5*[2, 4] + [1, 1] = [2, 3]; w = [0, 0] - 1*[2, 3]
            backward(engine, params, new float[] {1, 1});
            sgd.step(params);
            assertThat(values(w)).containsExactly(-2f, -3f);
            try (NDManager out = engine.newBaseManager()) {
                assertThat(sgd.stateDict(out).get("w.step").toLongArray()).containsExactly(5L);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void loadedStateOfTheWrongShapeIsRejected(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(1f).momentum(0.5f).build()) {
            Map<String, NDArray> state = new LinkedHashMap<>();
            state.put("w.step", manager.create(1L));
            state.put("w.momentum", manager.create(new float[] {2, 4, 6}));
            sgd.loadStateDict(state);
            Parameter w = parameter(manager, "w", new float[] {0, 0}, new Shape(2));
            ParameterList params = list("w", w);
            backward(engine, params, new float[] {1, 1});
            assertThatThrownBy(() -> sgd.step(params))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("w.momentum");
            // still rejected on the next attempt: never silently restarted from fresh state
            assertThatThrownBy(() -> sgd.step(params))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("w.momentum");
        }
    }

    /** One SGD/Adam step on a parameter "01Linear_weight" = [1, 2] with gradient [0.5, 1]. */
    private static ParameterList trainedOnce(
            Engine engine, NDManager manager, StatefulOptimizer optimizer) {
        Parameter w = parameter(manager, "w", new float[] {1, 2}, new Shape(2));
        ParameterList params = list("01Linear_weight", w);
        backward(engine, params, new float[] {0.5f, 1f});
        optimizer.step(params);
        return params;
    }
}
