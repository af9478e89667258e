package dev.kiln.core.optim;

/**
 * Adam with decoupled weight decay ({@code torch.optim.AdamW}): before the Adam update, {@code w
 * *= 1 - lr * wd} instead of adding {@code wd * w} to the gradient. The math is shared with {@link
 * Adam}; this class only fixes the flag and PyTorch's default weight decay of 0.01.
 *
 * <pre>{@code
 * Adam adamW = AdamW.builder().learningRate(1e-3f).weightDecay(0.05f).build();
 * }</pre>
 */
public final class AdamW extends Adam {

    AdamW(Adam.Builder builder) {
        super(builder);
    }

    /**
     * Starts building an {@code AdamW} with PyTorch's defaults: learning rate 1e-3, betas (0.9,
     * 0.999), eps 1e-8, weight decay 0.01.
     *
     * @return a new builder whose {@link Adam.Builder#build()} returns an {@code AdamW}
     */
    public static Adam.Builder builder() {
        return new Adam.Builder(true, 0.01f);
    }
}
