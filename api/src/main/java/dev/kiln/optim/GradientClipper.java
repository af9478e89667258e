package dev.kiln.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.util.ArrayList;
import java.util.List;

/**
 * Clips the gradients of parameters in place, between the backward pass and the optimizer step.
 *
 * <ul>
 *   <li>{@link #none()} leaves gradients alone;
 *   <li>{@link #byValue(float)} clamps every gradient element to {@code [-v, v]};
 *   <li>{@link #byNorm(float)} measures the global L2 norm over all gradients and, when it exceeds
 *       {@code maxNorm}, scales every gradient by {@code maxNorm / (norm + 1e-6)}, like {@code
 *       torch.nn.utils.clip_grad_norm_}. A non-finite norm leaves the gradients untouched (the
 *       returned norm tells the trainer to skip the step).
 * </ul>
 *
 * <p>Only parameters that require a gradient and have one are considered.
 */
public final class GradientClipper {

    private static final NDIndex ALL = new NDIndex("...");
    private static final GradientClipper NONE = new GradientClipper(Mode.NONE, 0f);

    private enum Mode {
        NONE,
        VALUE,
        NORM
    }

    private final Mode mode;
    private final float limit;

    private GradientClipper(Mode mode, float limit) {
        this.mode = mode;
        this.limit = limit;
    }

    /**
     * Returns a clipper that does nothing.
     *
     * @return the no-op clipper
     */
    public static GradientClipper none() {
        return NONE;
    }

    /**
     * Returns a clipper clamping each gradient element to {@code [-value, value]}.
     *
     * @param value the largest magnitude allowed, positive
     * @return a clipper by value
     */
    public static GradientClipper byValue(float value) {
        if (!(value > 0f)) {
            throw new IllegalArgumentException("clip value must be positive: " + value);
        }
        return new GradientClipper(Mode.VALUE, value);
    }

    /**
     * Returns a clipper bounding the global L2 norm of all gradients by {@code maxNorm}.
     *
     * @param maxNorm the largest global norm allowed, positive
     * @return a clipper by global norm
     */
    public static GradientClipper byNorm(float maxNorm) {
        if (!(maxNorm > 0f)) {
            throw new IllegalArgumentException("max norm must be positive: " + maxNorm);
        }
        return new GradientClipper(Mode.NORM, maxNorm);
    }

    /**
     * Clips the gradients of {@code parameters} in place.
     *
     * @param parameters the parameters, e.g. {@code block.getParameters()}
     * @return for {@link #byNorm}, the global L2 norm measured before clipping (useful as a
     *     metric); {@code Float.NaN} for the other modes, which do not measure it
     */
    public float clip(ParameterList parameters) {
        switch (mode) {
            case VALUE:
                clipByValue(parameters);
                return Float.NaN;
            case NORM:
                return clipByNorm(parameters);
            default:
                return Float.NaN;
        }
    }

    @Override
    public String toString() {
        switch (mode) {
            case VALUE:
                return "GradientClipper.byValue(" + limit + ")";
            case NORM:
                return "GradientClipper.byNorm(" + limit + ")";
            default:
                return "GradientClipper.none()";
        }
    }

    private void clipByValue(ParameterList parameters) {
        int n = parameters.size();
        for (int i = 0; i < n; i++) {
            NDArray weight = weightWithGradient(parameters.valueAt(i));
            if (weight == null) {
                continue;
            }
            try (NDArray gradient = weight.getGradient();
                    NDArray clipped = gradient.clip(-limit, limit)) {
                gradient.set(ALL, clipped);
            }
        }
    }

    private float clipByNorm(ParameterList parameters) {
        int n = parameters.size();
        List<NDArray> gradients = new ArrayList<>(n);
        try {
            double sumOfSquares = 0;
            for (int i = 0; i < n; i++) {
                NDArray weight = weightWithGradient(parameters.valueAt(i));
                if (weight == null) {
                    continue;
                }
                NDArray gradient = weight.getGradient();
                gradients.add(gradient);
                try (NDArray norm = gradient.norm()) {
                    double value = norm.getFloat();
                    sumOfSquares += value * value;
                }
            }
            float total = (float) Math.sqrt(sumOfSquares);
            if (total > limit && Float.isFinite(total)) {
                float coefficient = limit / (total + 1e-6f);
                try (NDArray scale = gradients.get(0).getManager().create(coefficient)) {
                    for (NDArray gradient : gradients) {
                        gradient.muli(scale);
                    }
                }
            }
            return total;
        } finally {
            for (NDArray gradient : gradients) {
                gradient.close();
            }
        }
    }

    private static NDArray weightWithGradient(Parameter parameter) {
        if (!parameter.requiresGradient() || !parameter.isInitialized()) {
            return null;
        }
        NDArray weight = parameter.getArray();
        return weight.hasGradient() ? weight : null;
    }
}
