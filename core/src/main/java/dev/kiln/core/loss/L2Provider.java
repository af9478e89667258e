package dev.kiln.core.loss;

import dev.kiln.loss.LossProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.train.LossFunction;

/** The built-in loss {@code l2}: the mean squared error, for regression. */
@KilnExtension(name = "l2", description = "mean squared error")
public final class L2Provider implements LossProvider {

    private final LossFunction loss;

    /** Creates the provider; the loss has no settings. */
    public L2Provider() {
        this.loss = Losses.l2();
    }

    @Override
    public LossFunction create() {
        return loss;
    }
}
