package dev.kiln.core.optim;

import ai.djl.ndarray.NDArray;
import dev.kiln.optim.DeviceContext;
import dev.kiln.optim.ParameterState;
import dev.kiln.optim.StatefulOptimizer;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and (L2) weight decay,
 * with PyTorch's formulas ({@code torch.optim.SGD}, dampening 0):
 *
 * <pre>
 * g = grad + wd * w
 * buf = momentum * buf + g          (buf = g on the first step)
 * g = nesterov ? g + momentum * buf : buf
 * w -= lr * g
 * </pre>
 *
 * <p>State: {@code <param>.step}, and {@code <param>.momentum} when momentum is not zero.
 *
 * <pre>{@code
 * Sgd sgd = Sgd.builder().learningRate(0.1f).momentum(0.9f).nesterov(true)
 *         .weightDecay(1e-4f).decayBiasAndNorm(false).build();
 * }</pre>
 */
public final class Sgd extends StatefulOptimizer {

    private static final int LR = 1;
    private static final int MOMENTUM = 2;
    private static final int WEIGHT_DECAY = 3;

    private final float momentum;
    private final boolean nesterov;
    private final List<String> bufferNames;

    private Sgd(Builder builder) {
        super(builder.learningRate, builder.weightDecay, builder.decayBiasAndNorm);
        this.momentum = builder.momentum;
        this.nesterov = builder.nesterov;
        this.bufferNames = momentum == 0f ? List.of() : List.of("momentum");
    }

    /**
     * Starts building an {@code Sgd}: learning rate 0.01, no momentum, no weight decay.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected List<String> bufferNames() {
        return bufferNames;
    }

    @Override
    protected int scalarSlots() {
        return 4;
    }

    @Override
    protected void update(
            ParameterState state,
            NDArray weight,
            NDArray gradient,
            DeviceContext context,
            float learningRate) {
        addWeightDecay(state, weight, gradient, context, WEIGHT_DECAY);
        if (momentum == 0f) {
            gradient.muli(context.scalar(LR, learningRate));
            weight.subi(gradient);
            return;
        }
        NDArray momentumScalar = context.scalar(MOMENTUM, momentum);
        NDArray buffer = state.buffer(0);
        if (buffer == null) {
            buffer = gradient.duplicate();
            buffer.attach(context.manager());
            state.setBuffer(0, buffer);
        } else {
            buffer.muli(momentumScalar).addi(gradient);
        }
        NDArray direction;
        if (nesterov) {
            try (NDArray lookahead = buffer.mul(momentumScalar)) {
                gradient.addi(lookahead);
            }
            direction = gradient.muli(context.scalar(LR, learningRate));
            weight.subi(direction);
        } else {
            try (NDArray scaled = buffer.mul(context.scalar(LR, learningRate))) {
                weight.subi(scaled);
            }
        }
    }

    /** Options of an {@link Sgd}; every setter returns this builder. */
    public static final class Builder {

        private float learningRate = 0.01f;
        private float momentum;
        private boolean nesterov;
        private float weightDecay;
        private boolean decayBiasAndNorm = true;

        private Builder() {}

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
         * Sets the momentum factor (0 disables momentum and its buffer).
         *
         * @param momentum the momentum, in [0, 1)
         * @return this builder
         */
        public Builder momentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * Enables Nesterov momentum (requires a non-zero momentum).
         *
         * @param nesterov whether to use Nesterov momentum
         * @return this builder
         */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /**
         * Sets the L2 weight decay added to the gradient ({@code g = grad + wd * w}).
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
         * Builds the optimizer.
         *
         * @return a new {@code Sgd} without state
         * @throws IllegalArgumentException if an option is out of range
         */
        public Sgd build() {
            if (learningRate < 0f || momentum < 0f || weightDecay < 0f) {
                throw new IllegalArgumentException(
                        "learning rate, momentum and weight decay must not be negative");
            }
            if (nesterov && momentum == 0f) {
                throw new IllegalArgumentException("Nesterov momentum requires a momentum > 0");
            }
            return new Sgd(this);
        }
    }
}
