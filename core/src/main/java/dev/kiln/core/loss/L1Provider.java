package dev.kiln.core.loss;

import dev.kiln.loss.LossProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.train.LossFunction;

/** The built-in loss {@code l1}: the mean absolute error, for regression. */
@KilnExtension(name = "l1", description = "mean absolute error")
public final class L1Provider implements LossProvider {

    private final LossFunction loss;

    /** Creates the provider; the loss has no settings. */
    public L1Provider() {
        this.loss = Losses.l1();
    }

    @Override
    public LossFunction create() {
        return loss;
    }
}
