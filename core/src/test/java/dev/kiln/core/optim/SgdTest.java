package dev.kiln.core.optim;

import static dev.kiln.optim.OptimTestSupport.backward;
import static dev.kiln.optim.OptimTestSupport.gradient;
import static dev.kiln.optim.OptimTestSupport.list;
import static dev.kiln.optim.OptimTestSupport.parameter;
import static dev.kiln.optim.OptimTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import dev.kiln.optim.StatefulOptimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SgdTest {

    private static final float TOL = 1e-6f;

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void momentumWithWeightDecayMatchesHandComputation(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd =
                        Sgd.builder().learningRate(0.5f).momentum(0.9f).weightDecay(0.1f).build()) {
            Parameter w = parameter(manager, "w", new float[] {1, -2}, new Shape(2, 1));
            ParameterList params = list("01Linear_weight", w);

            // step 1: g = [0.5, 1] + 0.1*[1, -2] = [0.6, 0.8]; buf = g = [0.6, 0.8]
            //         w = [1, -2] - 0.5*[0.6, 0.8] = [0.7, -2.4]
            backward(engine, params, new float[] {0.5f, 1f});
            sgd.step(params);
            assertThat(values(w)).containsExactly(new float[] {0.7f, -2.4f}, within(TOL));

            // step 2: g = [0.5, 1] + 0.1*[0.7, -2.4] = [0.57, 0.76]
            //         buf = 0.9*[0.6, 0.8] + [0.57, 0.76] = [1.11, 1.48]
            //         w = [0.7, -2.4] - 0.5*[1.11, 1.48] = [0.145, -3.14]
            backward(engine, params, new float[] {0.5f, 1f});
            sgd.step(params);
            assertThat(values(w)).containsExactly(new float[] {0.145f, -3.14f}, within(TOL));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void nesterovMatchesHandComputation(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd =
                        Sgd.builder()
                                .learningRate(0.5f)
                                .momentum(0.9f)
                                .nesterov(true)
                                .weightDecay(0.1f)
                                .build()) {
            Parameter w = parameter(manager, "w", new float[] {1, -2}, new Shape(2, 1));
            ParameterList params = list("01Linear_weight", w);

            // step 1: g = [0.6, 0.8]; buf = [0.6, 0.8]; g + 0.9*buf = [1.14, 1.52]
            //         w = [1, -2] - 0.5*[1.14, 1.52] = [0.43, -2.76]
            backward(engine, params, new float[] {0.5f, 1f});
            sgd.step(params);
            assertThat(values(w)).containsExactly(new float[] {0.43f, -2.76f}, within(TOL));

            // step 2: g = [0.5, 1] + 0.1*[0.43, -2.76] = [0.543, 0.724]
            //         buf = 0.9*[0.6, 0.8] + g = [1.083, 1.444]
            //         g + 0.9*buf = [0.543 + 0.9747, 0.724 + 1.2996] = [1.5177, 2.0236]
            //         w = [0.43 - 0.75885, -2.76 - 1.0118] = [-0.32885, -3.7718]
            backward(engine, params, new float[] {0.5f, 1f});
            sgd.step(params);
            assertThat(values(w)).containsExactly(new float[] {-0.32885f, -3.7718f}, within(TOL));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void weightDecayCanSkipBiasesAndOneDimensionalParameters(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        for (boolean decayAll : new boolean[] {false, true}) {
            try (NDManager manager = engine.newBaseManager();
                    Sgd sgd =
                            Sgd.builder()
                                    .learningRate(1f)
                                    .weightDecay(0.5f)
                                    .decayBiasAndNorm(decayAll)
                                    .build()) {
                Parameter weight = parameter(manager, "w", new float[] {2, 4}, new Shape(1, 2));
                Parameter bias = parameter(manager, "b", new float[] {2, 4}, new Shape(1, 2));
                Parameter gamma = parameter(manager, "g", new float[] {2, 4}, new Shape(2));
                ParameterList params = new ParameterList();
                params.add("01Linear_weight", weight);
                params.add("01Linear_bias", bias); // 2-D, but named *bias
                params.add("02Norm_gamma", gamma); // 1-D
                float[] ones = {1, 1};
                backward(engine, params, ones, ones, ones);
                sgd.step(params);

                // decayed:     w = [2, 4] - 1*([1, 1] + 0.5*[2, 4]) = [0, 1]
                // not decayed: w = [2, 4] - 1*[1, 1] = [1, 3]
                float[] decayed = {0, 1};
                float[] plain = {1, 3};
                assertThat(values(weight)).containsExactly(decayed, within(TOL));
                assertThat(values(bias)).containsExactly(decayAll ? decayed : plain, within(TOL));
                assertThat(values(gamma)).containsExactly(decayAll ? decayed : plain, within(TOL));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void gradientsAreZeroedSoTheyDoNotAccumulate(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(1f).build()) {
            Parameter w = parameter(manager, "w", new float[] {0, 0}, new Shape(2));
            ParameterList params = list("w", w);

            // Two identical steps move w by the same amount: [0,0] -> [-1,-2] -> [-2,-4]
            // (accumulated gradients would give [-3,-6] after the second step).
            backward(engine, params, new float[] {1, 2});
            sgd.step(params);
            assertThat(values(w)).containsExactly(-1f, -2f);
            assertThat(gradient(w)).containsExactly(0f, 0f);

            backward(engine, params, new float[] {1, 2});
            sgd.step(params);
            assertThat(values(w)).containsExactly(-2f, -4f);
            assertThat(gradient(w)).containsExactly(0f, 0f);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void zeroGradientsClearsNonFiniteGradients(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Parameter w = parameter(manager, "w", new float[] {1, 1}, new Shape(2));
            ParameterList params = list("w", w);
            backward(engine, params, new float[] {Float.NaN, Float.POSITIVE_INFINITY});
            StatefulOptimizer.zeroGradients(params);
            assertThat(gradient(w)).containsExactly(0f, 0f);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void learningRateIsSetFromOutside(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(1f).build()) {
            Parameter w = parameter(manager, "w", new float[] {0}, new Shape(1));
            ParameterList params = list("w", w);
            // w = 0 - 1*1 = -1; then rate 0.25: w = -1 - 0.25*1 = -1.25
            backward(engine, params, new float[] {1});
            sgd.step(params);
            sgd.setLearningRate(0.25f);
            assertThat(sgd.getLearningRate()).isEqualTo(0.25f);
            backward(engine, params, new float[] {1});
            sgd.step(params);
            assertThat(values(w)).containsExactly(-1.25f);
        }
    }
}
