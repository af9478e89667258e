package dev.kiln.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.util.stream.Stream;

/** Shared fixtures: the engines under test and tiny hand-made parameters with set gradients. */
public final class OptimTestSupport {

    private OptimTestSupport() {}

    /** Engine names for {@code @MethodSource}. */
    public static Stream<String> engines() {
        return Stream.of("PyTorch", "MXNet");
    }

    /** A trainable parameter holding {@code values} in {@code shape}. */
    public static Parameter parameter(NDManager manager, String name, float[] values, Shape shape) {
        NDArray array = manager.create(values, shape);
        array.setRequiresGradient(true);
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optArray(array)
                .build();
    }

    /** A parameter list with one entry. */
    public static ParameterList list(String name, Parameter parameter) {
        ParameterList list = new ParameterList();
        list.add(name, parameter);
        return list;
    }

    /**
     * Runs a backward pass whose gradient with respect to each parameter is exactly the given
     * values: loss = sum(w * g), so dloss/dw = g.
     */
    public static void backward(Engine engine, ParameterList parameters, float[]... gradients) {
        try (NDManager scratch = parameters.valueAt(0).getArray().getManager().newSubManager();
                GradientCollector collector = engine.newGradientCollector()) {
            NDArray loss = null;
            for (int i = 0; i < parameters.size(); i++) {
                NDArray w = parameters.valueAt(i).getArray();
                NDArray g = scratch.create(gradients[i], w.getShape());
                NDArray term = w.mul(g).sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    /** The values of a parameter. */
    public static float[] values(Parameter parameter) {
        return parameter.getArray().toFloatArray();
    }

    /** The current gradient of a parameter. */
    public static float[] gradient(Parameter parameter) {
        try (NDArray g = parameter.getArray().getGradient()) {
            return g.toFloatArray();
        }
    }
}
