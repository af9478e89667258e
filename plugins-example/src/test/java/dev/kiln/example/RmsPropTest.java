package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RmsPropTest {

    private static final float[] START = {0.5f, -1.25f, 2f, 0.75f};
    private static final float[] CURVATURE = {1f, 3f, 0.5f, 2f};

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theFirstStepsFollowTheFormula(String engine) {
        float lr = 0.01f;
        float alpha = 0.9f;
        float eps = 1e-8f;
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                RmsProp rmsprop = new RmsProp(lr, alpha, eps, 0f)) {
            ParameterList params = parameters(manager);
            double[] w = new double[START.length];
            double[] v = new double[START.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = START[i];
            }
            for (int step = 0; step < 3; step++) {
                backward(engine, params);
                rmsprop.step(params);
                for (int i = 0; i < w.length; i++) {
                    double g = 2 * CURVATURE[i] * w[i];
                    v[i] = alpha * v[i] + (1 - alpha) * g * g;
                    w[i] -= lr * g / (Math.sqrt(v[i]) + eps);
                }
                float[] actual = params.valueAt(0).getArray().toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    assertThat((double) actual[i])
                            .as("step %d, w[%d]", step, i)
                            .isCloseTo(w[i], offset(1e-5));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void resumingFromItsSavedStateContinuesBitForBit(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            float[] straight;
            try (RmsProp rmsprop = new RmsProp(0.01f, 0.99f, 1e-8f, 1e-3f)) {
                ParameterList params = parameters(manager);
                steps(engine, rmsprop, params, 20);
                straight = params.valueAt(0).getArray().toFloatArray();
            }

            ParameterList first = parameters(manager);
            Map<String, NDArray> state;
            float[] halfway;
            try (RmsProp rmsprop = new RmsProp(0.01f, 0.99f, 1e-8f, 1e-3f)) {
                steps(engine, rmsprop, first, 10);
                state = rmsprop.stateDict(manager);
                halfway = first.valueAt(0).getArray().toFloatArray();
            }
            assertThat(state).containsOnlyKeys("w.step", "w.square_avg");
            ParameterList second = parameters(manager, halfway);
            try (RmsProp resumed = new RmsProp(0.01f, 0.99f, 1e-8f, 1e-3f)) {
                resumed.loadStateDict(state);
                steps(engine, resumed, second, 10);
            }
            assertThat(second.valueAt(0).getArray().toFloatArray()).isEqualTo(straight);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void isSelectedByKilnSolverOptimizerAndTrains(String engine) {
        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(60)
                        .set("kiln.solver.optimizer", "rmsprop")
                        .set("kiln.solver.base-lr", 0.005)
                        .train();

        double first = run.history("total_loss").values()[0];
        assertThat(run.history("total_loss").median(10)).isLessThan(first / 4);
    }

    private static void steps(String engine, RmsProp rmsprop, ParameterList params, int count) {
        for (int i = 0; i < count; i++) {
            backward(engine, params);
            rmsprop.step(params);
        }
    }

    private static ParameterList parameters(NDManager manager) {
        return parameters(manager, START);
    }

    private static ParameterList parameters(NDManager manager, float[] values) {
        NDArray array = manager.create(values, new Shape(2, 2));
        array.setRequiresGradient(true);
        Parameter parameter =
                Parameter.builder()
                        .setName("w")
                        .setType(Parameter.Type.WEIGHT)
                        .optArray(array)
                        .build();
        ParameterList list = new ParameterList();
        list.add("w", parameter);
        return list;
    }

    /** loss = sum(c * w²), so the gradient 2cw depends on where the weights are. */
    private static void backward(String engine, ParameterList params) {
        NDArray w = params.valueAt(0).getArray();
        try (NDManager scratch = w.getManager().newSubManager();
                GradientCollector collector = Engine.getEngine(engine).newGradientCollector()) {
            NDArray c = scratch.create(CURVATURE, w.getShape());
            collector.backward(w.mul(w).mul(c).sum());
        }
    }
}
