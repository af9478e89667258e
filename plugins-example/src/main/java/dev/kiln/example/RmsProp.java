package dev.kiln.example;

import ai.djl.ndarray.NDArray;
import dev.kiln.optim.DeviceContext;
import dev.kiln.optim.ParameterState;
import dev.kiln.optim.StatefulOptimizer;
import java.util.List;

/**
 * RMSprop with PyTorch's formulas ({@code torch.optim.RMSprop}, without momentum, not centered),
 * written on Kiln's {@link StatefulOptimizer} so that its state is saved in checkpoints and a
 * resumed run continues bit for bit:
 *
 * <pre>
 * g = grad + wd * w
 * v = alpha * v + (1 - alpha) * g²
 * w -= lr * g / (sqrt(v) + eps)
 * </pre>
 *
 * <p>State: {@code <param>.step} and {@code <param>.square_avg} (v).
 */
public final class RmsProp extends StatefulOptimizer {

    private static final List<String> BUFFERS = List.of("square_avg");

    private static final int ALPHA = 1;
    private static final int ONE_MINUS_ALPHA = 2;
    private static final int EPS = 3;
    private static final int LR = 4;
    private static final int WEIGHT_DECAY = 5;

    private final float alpha;
    private final float eps;

    /**
     * @param learningRate the learning rate of the first step
     * @param alpha the smoothing constant of the squared-gradient average, in [0, 1)
     * @param eps added to the denominator, > 0
     * @param weightDecay the L2 penalty added to the gradient, 0 for none
     */
    public RmsProp(float learningRate, float alpha, float eps, float weightDecay) {
        super(learningRate, weightDecay, true);
        this.alpha = alpha;
        this.eps = eps;
    }

    /** @return the smoothing constant */
    public float alpha() {
        return alpha;
    }

    /** @return the term added to the denominator */
    public float eps() {
        return eps;
    }

    @Override
    protected List<String> bufferNames() {
        return BUFFERS;
    }

    @Override
    protected int scalarSlots() {
        return WEIGHT_DECAY + 1;
    }

    @Override
    protected void update(
            ParameterState state,
            NDArray weight,
            NDArray gradient,
            DeviceContext context,
            float learningRate) {
        addWeightDecay(state, weight, gradient, context, WEIGHT_DECAY);
        NDArray squareAvg = state.buffer(0);
        if (squareAvg == null) {
            squareAvg = zerosLike(weight, context);
            state.setBuffer(0, squareAvg);
        }
        try (NDArray squared = gradient.square()) {
            squared.muli(context.scalar(ONE_MINUS_ALPHA, 1f - alpha));
            squareAvg.muli(context.scalar(ALPHA, alpha)).addi(squared);
        }
        try (NDArray denominator = squareAvg.sqrt()) {
            denominator.addi(context.scalar(EPS, eps));
            gradient.divi(denominator).muli(context.scalar(LR, learningRate));
            weight.subi(gradient);
        }
    }
}
