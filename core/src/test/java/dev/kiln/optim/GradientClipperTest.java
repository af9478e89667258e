package dev.kiln.optim;

import static dev.kiln.optim.OptimTestSupport.backward;
import static dev.kiln.optim.OptimTestSupport.gradient;
import static dev.kiln.optim.OptimTestSupport.parameter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GradientClipperTest {

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void clipsByValue(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Parameter a = parameter(manager, "a", new float[] {0, 0, 0}, new Shape(3));
            Parameter b = parameter(manager, "b", new float[] {0, 0}, new Shape(2));
            ParameterList params = new ParameterList();
            params.add("a", a);
            params.add("b", b);
            backward(
                    engine,
                    params,
                    new float[] {0.2f, -0.7f, 1.5f},
                    new float[] {Float.NEGATIVE_INFINITY, 0.5f});

            // clamp to [-0.5, 0.5]: [0.2, -0.7, 1.5] -> [0.2, -0.5, 0.5]; [-inf, 0.5] -> [-0.5,
            // 0.5]
            float norm = GradientClipper.byValue(0.5f).clip(params);
            assertThat(norm).isNaN();
            assertThat(gradient(a)).containsExactly(0.2f, -0.5f, 0.5f);
            assertThat(gradient(b)).containsExactly(-0.5f, 0.5f);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void clipsByGlobalNorm(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Parameter a = parameter(manager, "a", new float[] {0, 0}, new Shape(2));
            Parameter b = parameter(manager, "b", new float[] {0, 0}, new Shape(1, 2));
            ParameterList params = new ParameterList();
            params.add("a", a);
            params.add("b", b);
            backward(engine, params, new float[] {3, 0}, new float[] {0, 4});

            // below the limit: total = sqrt(3² + 4²) = 5 <= 10, nothing changes
            assertThat(GradientClipper.byNorm(10f).clip(params)).isEqualTo(5f);
            assertThat(gradient(a)).containsExactly(3f, 0f);
            assertThat(gradient(b)).containsExactly(0f, 4f);

            // above: scale by 1/(5 + 1e-6): [3, 0] -> [0.6, 0], [0, 4] -> [0, 0.8]
            assertThat(GradientClipper.byNorm(1f).clip(params)).isEqualTo(5f);
            assertThat(gradient(a)).containsExactly(new float[] {0.6f, 0f}, within(1e-6f));
            assertThat(gradient(b)).containsExactly(new float[] {0f, 0.8f}, within(1e-6f));
            // the new norm is 1 (within the 1e-6 guard)
            assertThat(GradientClipper.byNorm(1f).clip(params)).isCloseTo(1f, within(1e-6f));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void nonFiniteNormLeavesGradientsAlone(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Parameter a = parameter(manager, "a", new float[] {0, 0}, new Shape(2));
            ParameterList params = new ParameterList();
            params.add("a", a);
            backward(engine, params, new float[] {Float.NaN, 2});
            assertThat(GradientClipper.byNorm(1f).clip(params)).isNaN();
            assertThat(gradient(a)[1]).isEqualTo(2f);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void noneDoesNothing(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Parameter a = parameter(manager, "a", new float[] {0, 0}, new Shape(2));
            ParameterList params = new ParameterList();
            params.add("a", a);
            backward(engine, params, new float[] {30, -40});
            assertThat(GradientClipper.none().clip(params)).isNaN();
            assertThat(gradient(a)).containsExactly(30f, -40f);
        }
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> GradientClipper.byValue(0f))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GradientClipper.byNorm(-1f))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(GradientClipper.byNorm(2f)).hasToString("GradientClipper.byNorm(2.0)");
    }
}
