package dev.kiln.core.optim;

import static dev.kiln.optim.OptimTestSupport.backward;
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
import dev.kiln.optim.DeviceContext;
import dev.kiln.optim.ParameterGroup;
import dev.kiln.optim.ParameterState;
import dev.kiln.optim.StatefulOptimizer;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ParameterGroupTest {

    private static final float[] G1 = {0.5f, -1f, 0.25f};
    private static final float[] G2 = {2f, 0.75f};

    /** One step from zero weights, so each weight's move is exactly its update. */
    private static float[][] firstStep(
            Engine engine, NDManager manager, StatefulOptimizer optimizer) {
        Parameter hidden = parameter(manager, "h", new float[3], new Shape(3));
        Parameter output = parameter(manager, "o", new float[2], new Shape(2));
        ParameterList params = new ParameterList();
        params.add("01hidden1_weight", hidden);
        params.add("02output_weight", output);
        backward(engine, params, G1, G2);
        optimizer.step(params);
        return new float[][] {values(hidden), values(output)};
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void anLrFactorScalesTheGroupsSgdStep(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd full = Sgd.builder().learningRate(0.3f).build();
                Sgd grouped = Sgd.builder().learningRate(0.3f).build()) {
            grouped.setParameterGroups(
                    List.of(
                            new ParameterGroup(Pattern.compile(".*hidden1_.*"), 0.1f, null),
                            new ParameterGroup(Pattern.compile(".*"), 1f, null)));
            float[][] reference = firstStep(engine, manager, full);
            float[][] scaled = firstStep(engine, manager, grouped);
            for (int i = 0; i < G1.length; i++) {
                assertThat(reference[0][i]).isNotZero();
                double ratio = (double) scaled[0][i] / reference[0][i];
                assertThat(ratio).isCloseTo(0.1, within(1e-7));
            }
            // the first match wins: the catch-all group does not apply to hidden1
            assertThat(scaled[1]).containsExactly(reference[1]);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void theScheduledRateIsScaledForEveryStep(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(1f).build()) {
            sgd.setParameterGroups(
                    List.of(new ParameterGroup(Pattern.compile("02output_.*"), 0.5f, null)));
            sgd.setLearningRate(0.5f); // as a schedule does
            float[][] moved = firstStep(engine, manager, sgd);
            // hidden: -0.5 * g; output: -0.25 * g
            assertThat(moved[0]).containsExactly(new float[] {-0.25f, 0.5f, -0.125f}, within(0f));
            assertThat(moved[1]).containsExactly(new float[] {-0.5f, -0.1875f}, within(0f));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void aGroupsWeightDecayReplacesTheSolversForSgd(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(1f).build()) {
            sgd.setParameterGroups(
                    List.of(new ParameterGroup(Pattern.compile(".*hidden1.*"), 1f, 0.5f)));
            Parameter hidden = parameter(manager, "h", new float[] {1, 2}, new Shape(2));
            Parameter output = parameter(manager, "o", new float[] {1, 2}, new Shape(2));
            ParameterList params = new ParameterList();
            params.add("01hidden1_bias", hidden); // a group's decay applies to biases too
            params.add("02output_weight", output);
            backward(engine, params, new float[2], new float[2]);
            sgd.step(params);
            // zero gradients: only the decay moves, w -= 1 * 0.5 * w
            assertThat(values(hidden)).containsExactly(0.5f, 1f);
            assertThat(values(output)).containsExactly(1f, 2f);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void aGroupsWeightDecayReplacesTheSolversForAdamW(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                StatefulOptimizer adamW =
                        AdamW.builder().learningRate(0.1f).weightDecay(0.01f).build()) {
            adamW.setParameterGroups(
                    List.of(new ParameterGroup(Pattern.compile(".*hidden1.*"), 1f, 0f)));
            Parameter hidden = parameter(manager, "h", new float[] {1, 2}, new Shape(2));
            Parameter output = parameter(manager, "o", new float[] {1, 2}, new Shape(2));
            ParameterList params = new ParameterList();
            params.add("01hidden1_weight", hidden);
            params.add("02output_weight", output);
            backward(engine, params, new float[2], new float[2]);
            adamW.step(params);
            // zero gradients: Adam's step is 0, the decoupled decay w *= 1 - 0.1 * wd remains
            assertThat(values(hidden)).containsExactly(1f, 2f);
            assertThat(values(output)).containsExactly(new float[] {0.999f, 1.998f}, within(1e-6f));
        }
    }

    /** An optimizer written as a plugin writes one: it knows nothing of parameter groups. */
    static final class PluginSgd extends StatefulOptimizer {
        PluginSgd(float learningRate, float weightDecay) {
            super(learningRate, weightDecay, true);
        }

        @Override
        protected List<String> bufferNames() {
            return List.of();
        }

        @Override
        protected int scalarSlots() {
            return 3;
        }

        @Override
        protected void update(
                ParameterState state,
                NDArray weight,
                NDArray gradient,
                DeviceContext context,
                float learningRate) {
            addWeightDecay(state, weight, gradient, context, 2);
            weight.subi(gradient.muli(context.scalar(1, learningRate)));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void aPluginsOptimizerFollowsTheGroupsWithoutCodeOfItsOwn(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                PluginSgd optimizer = new PluginSgd(1f, 0f)) {
            optimizer.setParameterGroups(
                    List.of(
                            new ParameterGroup(Pattern.compile("01hidden1_.*"), 0.5f, null),
                            new ParameterGroup(Pattern.compile("02output_.*"), 1f, 0.5f)));
            Parameter hidden = parameter(manager, "h", new float[] {1, 2}, new Shape(2));
            Parameter output = parameter(manager, "o", new float[] {1, 2}, new Shape(2));
            ParameterList params = new ParameterList();
            params.add("01hidden1_weight", hidden);
            params.add("02output_weight", output);
            backward(engine, params, new float[] {1, 1}, new float[2]);
            optimizer.step(params);
            // hidden: w -= 0.5 * g; output: zero gradient, w -= 1 * 0.5 * w
            assertThat(values(hidden)).containsExactly(0.5f, 1.5f);
            assertThat(values(output)).containsExactly(0.5f, 1f);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.optim.OptimTestSupport#engines")
    void aFrozenParameterGetsNoUpdateAndNoState(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(0.5f).momentum(0.9f).build();
                NDManager out = engine.newBaseManager()) {
            Parameter hidden = parameter(manager, "h", new float[] {1, 2}, new Shape(2));
            Parameter output = parameter(manager, "o", new float[] {1, 2}, new Shape(2));
            ParameterList params = new ParameterList();
            params.add("01hidden1_weight", hidden);
            params.add("02output_weight", output);
            hidden.freeze(true);
            backward(engine, params, new float[] {1, 1}, new float[] {1, 1});
            sgd.step(params);
            assertThat(values(hidden)).containsExactly(1f, 2f);
            assertThat(values(output)).containsExactly(0.5f, 1.5f);
            Map<String, NDArray> state = sgd.stateDict(out);
            assertThat(state).containsOnlyKeys("02output_weight.step", "02output_weight.momentum");
        }
    }
}
