package dev.kiln.core.optim;

import ai.djl.ndarray.NDArray;
import dev.kiln.optim.DeviceContext;
import dev.kiln.optim.ParameterState;
import dev.kiln.optim.StatefulOptimizer;
import java.util.List;

/**
 * Adam with PyTorch's formulas ({@code torch.optim.Adam}; with decoupled weight decay, {@code
 * torch.optim.AdamW}, see {@link AdamW}). For each parameter, with its own step count {@code t}:
 *
 * <pre>
 * Adam:  g = grad + wd * w                 AdamW:  w *= 1 - lr * wd
 * m = b1 * m + (1 - b1) * g
 * v = b2 * v + (1 - b2) * g²
 * w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * <p>The last line is computed in the equivalent form {@code w -= lr * sqrt(1 - b2^t) / (1 - b1^t)
 * * m / (sqrt(v) + eps * sqrt(1 - b2^t))}, which needs one array operation less; results agree
 * with PyTorch to rounding, not bit for bit.
 *
 * <p>State: {@code <param>.step}, {@code <param>.exp_avg} (m), {@code <param>.exp_avg_sq} (v).
 *
 * <pre>{@code
 * Adam adam = Adam.builder().learningRate(1e-3f).betas(0.9, 0.999).build();
 * }</pre>
 */
public class Adam extends StatefulOptimizer {

    private static final List<String> BUFFERS = List.of("exp_avg", "exp_avg_sq");

    private static final int BETA1 = 1;
    private static final int ONE_MINUS_BETA1 = 2;
    private static final int BETA2 = 3;
    private static final int ONE_MINUS_BETA2 = 4;
    private static final int EPS_HAT = 5;
    private static final int WEIGHT_DECAY = 6;
    private static final int DECAY_FACTOR = 7;
    private static final int STEP_SIZE = 8;

    // Kept in double, like PyTorch's Python floats: 1 - beta2 in float32 arithmetic would be off
    // by 1e-5 relative (1f - 0.999f = 0.00099998713).
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean decoupled;

    Adam(Builder builder) {
        super(builder.learningRate, builder.weightDecay, builder.decayBiasAndNorm);
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.eps = builder.eps;
        this.decoupled = builder.decoupled;
    }

    /**
     * Starts building an {@code Adam} with PyTorch's defaults: learning rate 1e-3, betas (0.9,
     * 0.999), eps 1e-8, no weight decay.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(false, 0f);
    }

    /**
     * Returns whether weight decay is decoupled from the gradient (AdamW).
     *
     * @return true for AdamW
     */
    public boolean isDecoupled() {
        return decoupled;
    }

    @Override
    protected final List<String> bufferNames() {
        return BUFFERS;
    }

    @Override
    protected final int scalarSlots() {
        return 9;
    }

    @Override
    protected final void update(
            ParameterState state,
            NDArray weight,
            NDArray gradient,
            DeviceContext context,
            float learningRate) {
        if (!decoupled) {
            addWeightDecay(state, weight, gradient, context, WEIGHT_DECAY);
        } else if (state.decays()) {
            float factor = (float) (1.0 - (double) learningRate * state.weightDecay());
            weight.muli(context.scalar(DECAY_FACTOR, factor));
        }
        NDArray expAvg = state.buffer(0);
        NDArray expAvgSq = state.buffer(1);
        if (expAvg == null) {
            expAvg = zerosLike(weight, context);
            expAvgSq = zerosLike(weight, context);
            state.setBuffer(0, expAvg);
            state.setBuffer(1, expAvgSq);
        }
        try (NDArray squared = gradient.mul(gradient)) {
            squared.muli(context.scalar(ONE_MINUS_BETA2, (float) (1.0 - beta2)));
            expAvgSq.muli(context.scalar(BETA2, (float) beta2)).addi(squared);
        }
        // The gradient is scratch from here on: it is zeroed after the update.
        gradient.muli(context.scalar(ONE_MINUS_BETA1, (float) (1.0 - beta1)));
        expAvg.muli(context.scalar(BETA1, (float) beta1)).addi(gradient);

        // PyTorch's  lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)  rewritten with one operation less
        // (same value in exact arithmetic):  lr * sqrt(bc2) / bc1 * m / (sqrt(v) + eps *
        // sqrt(bc2)).
        double biasCorrection1 = 1.0 - Math.pow(beta1, state.step());
        double biasCorrection2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, state.step()));
        float stepSize = (float) (learningRate * biasCorrection2Sqrt / biasCorrection1);
        float epsHat = (float) (eps * biasCorrection2Sqrt);
        try (NDArray denominator = expAvgSq.sqrt()) {
            denominator.addi(context.scalar(EPS_HAT, epsHat));
            try (NDArray delta = expAvg.div(denominator)) {
                weight.subi(delta.muli(context.scalar(STEP_SIZE, stepSize)));
            }
        }
    }

    /** Options of an {@link Adam} or {@link AdamW}; every setter returns this builder. */
    public static final class Builder {

        private final boolean decoupled;
        private float learningRate = 1e-3f;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private float weightDecay;
        private boolean decayBiasAndNorm = true;

        Builder(boolean decoupled, float weightDecay) {
            this.decoupled = decoupled;
            this.weightDecay = weightDecay;
        }

        /**
         * Sets the initial learning rate (the trainer usually overrides it every step).
         *
         * @param learningRate the learning rate
         * @return this builder
         */
        public Builder learningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the decay rates of the first and second moment estimates.
         *
         * @param beta1 decay of the mean of gradients, in [0, 1)
         * @param beta2 decay of the mean of squared gradients, in [0, 1)
         * @return this builder
         */
        public Builder betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets the term added to the denominator for numerical stability.
         *
         * @param eps epsilon
         * @return this builder
         */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /**
         * Sets the weight decay: added to the gradient for Adam, decoupled for AdamW.
         *
         * @param weightDecay the weight decay coefficient
         * @return this builder
         */
        public Builder weightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Whether weight decay also applies to biases and other parameters of at most one
         * dimension (default true, like PyTorch); see {@link StatefulOptimizer}.
         *
         * @param decayBiasAndNorm false to exclude them from weight decay
         * @return this builder
         */
        public Builder decayBiasAndNorm(boolean decayBiasAndNorm) {
            this.decayBiasAndNorm = decayBiasAndNorm;
            return this;
        }

        /**
         * Builds the optimizer: an {@link AdamW} if this builder came from {@link
         * AdamW#builder()}, else an {@link Adam}.
         *
         * @return a new optimizer without state
         * @throws IllegalArgumentException if an option is out of range
         */
        public Adam build() {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1)");
            }
            if (learningRate < 0f || eps < 0 || weightDecay < 0f) {
                throw new IllegalArgumentException(
                        "learning rate, eps and weight decay must not be negative");
            }
            return decoupled ? new AdamW(this) : new Adam(this);
        }
    }
}
