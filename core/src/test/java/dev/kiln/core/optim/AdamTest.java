package dev.kiln.core.optim;

import static dev.kiln.optim.OptimTestSupport.backward;
import static dev.kiln.optim.OptimTestSupport.gradient;
import static dev.kiln.optim.OptimTestSupport.list;
import static dev.kiln.optim.OptimTestSupport.parameter;
import static dev.kiln.optim.OptimTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adam and AdamW on w = [1, -2], lr 0.1, betas (0.9, 0.999), eps 1e-8, gradients [0.5, -1] then
 * [1, 0]. Step 1 of Adam always moves by lr * sign(g) (m̂ = g, v̂ = g²), so step 2 checks the bias
 * correction with a changed gradient.
 */
class AdamTest {

    private static final float TOL = 2e-6f;
    private static final float[] G1 = {0.5f, -1f};
    private static final float[] G2 = {1f, 0f};

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void adamMatchesHandComputation(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Adam adam = Adam.builder().learningRate(0.1f).build()) {
            Parameter w = parameter(manager, "w", new float[] {1, -2}, new Shape(2));
            ParameterList params = list("w", w);

            // step 1: m = 0.1*[0.5, -1] = [0.05, -0.1]; v = 0.001*[0.25, 1] = [0.00025, 0.001]
            //         m̂ = m/0.1 = [0.5, -1]; v̂ = v/0.001 = [0.25, 1]
            //         w = [1, -2] - 0.1*[0.5/0.5, -1/1] = [0.9, -1.9]
            backward(engine, params, G1);
            adam.step(params);
            assertThat(values(w)).containsExactly(new float[] {0.9f, -1.9f}, within(TOL));

            // step 2: m = 0.9*[0.05, -0.1] + 0.1*[1, 0] = [0.145, -0.09]
            //         v = 0.999*[0.00025, 0.001] + 0.001*[1, 0] = [0.00124975, 0.000999]
            //         bc1 = 1 - 0.9² = 0.19; bc2 = 1 - 0.999² = 0.001999
            //         m̂ = [0.763158, -0.473684]; sqrt(v̂) = sqrt([0.625188, 0.499750])
            //                                            = [0.790688, 0.706930]
            //         w = [0.9 - 0.1*0.965182, -1.9 + 0.1*0.670058] = [0.803482, -1.832994]
            backward(engine, params, G2);
            adam.step(params);
            assertThat(values(w))
                    .containsExactly(new float[] {0.8034818f, -1.8329942f}, within(TOL));

            try (NDManager out = engine.newBaseManager()) {
                Map<String, NDArray> state = adam.stateDict(out);
                assertThat(state).containsOnlyKeys("w.step", "w.exp_avg", "w.exp_avg_sq");
                assertThat(state.get("w.step").toLongArray()).containsExactly(2L);
                assertThat(state.get("w.exp_avg").toFloatArray())
                        .containsExactly(new float[] {0.145f, -0.09f}, within(TOL));
                assertThat(state.get("w.exp_avg_sq").toFloatArray())
                        .containsExactly(new float[] {0.00124975f, 0.000999f}, within(1e-9f));
            }
            assertThat(gradient(w)).containsExactly(0f, 0f);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void adamAddsWeightDecayToTheGradient(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Adam adam = Adam.builder().learningRate(0.1f).weightDecay(0.5f).build()) {
            Parameter w = parameter(manager, "w", new float[] {1, -2}, new Shape(2));
            ParameterList params = list("w", w);

            // step 1: g = [0.5, -1] + 0.5*[1, -2] = [1, -2]; w moves by lr*sign(g): [0.9, -1.9]
            //         m = [0.1, -0.2]; v = 0.001*[1, 4] = [0.001, 0.004]
            backward(engine, params, G1);
            adam.step(params);
            assertThat(values(w)).containsExactly(new float[] {0.9f, -1.9f}, within(TOL));

            // step 2: g = [1, 0] + 0.5*[0.9, -1.9] = [1.45, -0.95]
            //         m = 0.9*[0.1, -0.2] + 0.1*g = [0.235, -0.275]
            //         v = 0.999*[0.001, 0.004] + 0.001*[2.1025, 0.9025] = [0.0031015, 0.0048985]
            //         m̂ = m/0.19 = [1.236842, -1.447368]
            //         sqrt(v̂) = sqrt(v/0.001999) = [1.245610, 1.565398]
            //         w = [0.9 - 0.1*0.992961, -1.9 + 0.1*0.924601] = [0.800703, -1.807540]
            backward(engine, params, G2);
            adam.step(params);
            assertThat(values(w))
                    .containsExactly(new float[] {0.8007033f, -1.8075400f}, within(TOL));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void adamWDecaysWeightsDecoupled(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Adam adamW = AdamW.builder().learningRate(0.1f).weightDecay(0.5f).build()) {
            assertThat(adamW).isInstanceOf(AdamW.class);
            assertThat(adamW.isDecoupled()).isTrue();
            Parameter w = parameter(manager, "w", new float[] {1, -2}, new Shape(2));
            ParameterList params = list("w", w);

            // step 1: w *= 1 - 0.1*0.5 -> [0.95, -1.9]; Adam moves by lr*sign(g): [0.85, -1.8]
            backward(engine, params, G1);
            adamW.step(params);
            assertThat(values(w)).containsExactly(new float[] {0.85f, -1.8f}, within(TOL));

            // step 2: w *= 0.95 -> [0.8075, -1.71]; the Adam part is the same as without decay
            //         (the gradient is not changed): [-0.0965182, +0.0670058]
            //         w = [0.8075 - 0.0965182, -1.71 + 0.0670058] = [0.710982, -1.642994]
            backward(engine, params, G2);
            adamW.step(params);
            assertThat(values(w))
                    .containsExactly(new float[] {0.7109818f, -1.6429942f}, within(TOL));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void adamWDefaultsToPyTorchWeightDecay(String engineName) {
        try (Adam adamW = AdamW.builder().build();
                Adam adam = Adam.builder().build()) {
            assertThat(adamW.getWeightDecay()).isEqualTo(0.01f);
            assertThat(adamW.getLearningRate()).isEqualTo(1e-3f);
            assertThat(adam.getWeightDecay()).isZero();
            assertThat(adam.isDecoupled()).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void adamAndAdamWTakeTheirLearningRateFromOutside(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        for (boolean decoupled : new boolean[] {false, true}) {
            try (NDManager manager = engine.newBaseManager();
                    Adam told = builder(decoupled).build();
                    Adam built = builder(decoupled).build()) {
                Parameter a = parameter(manager, "w", new float[] {1, -2}, new Shape(2));
                Parameter b = parameter(manager, "w", new float[] {1, -2}, new Shape(2));
                // Step 1 at 0.1 for both; step 2 at 0.025, set from outside on one of them only.
                backward(engine, list("w", a), G1);
                told.step(list("w", a));
                backward(engine, list("w", b), G1);
                built.step(list("w", b));
                told.setLearningRate(0.025f);
                assertThat(told.getLearningRate()).isEqualTo(0.025f);
                backward(engine, list("w", a), G2);
                told.step(list("w", a));
                backward(engine, list("w", b), G2);
                built.step(list("w", b));
                // Both took the same step 1 and have the same moments; a step's move (Adam's
                // direction, and AdamW's decay) is proportional to the rate, so the one told
                // moves a quarter as far in step 2.
                float[] told2 = values(a);
                float[] built2 = values(b);
                float[] start = decoupled ? new float[] {0.85f, -1.8f} : new float[] {0.9f, -1.9f};
                for (int i = 0; i < 2; i++) {
                    assertThat(told2[i] - start[i])
                            .as("%s, element %d", decoupled ? "AdamW" : "Adam", i)
                            .isCloseTo((built2[i] - start[i]) / 4, within(TOL));
                }
                assertThat(told2).isNotEqualTo(built2);
            }
        }
    }

    private static Adam.Builder builder(boolean decoupled) {
        return decoupled
                ? AdamW.builder().learningRate(0.1f).weightDecay(0.5f)
                : Adam.builder().learningRate(0.1f);
    }
}
