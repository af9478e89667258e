package dev.kiln.core.loss;

import dev.kiln.loss.LossProvider;
import dev.kiln.loss.OutputActivation;
import dev.kiln.spi.KilnExtension;
import dev.kiln.train.LossFunction;

/** The built-in loss {@code binary-cross-entropy}: binary cross-entropy on logits, for multi-label targets. */
@KilnExtension(
        name = "binary-cross-entropy",
        description = "binary cross-entropy on logits, multi-label")
public final class BinaryCrossEntropyProvider implements LossProvider {

    private final LossFunction loss;

    /** Creates the provider; the loss has no settings. */
    public BinaryCrossEntropyProvider() {
        this.loss = Losses.binaryCrossEntropy();
    }

    @Override
    public LossFunction create() {
        return loss;
    }

    @Override
    public OutputActivation outputActivation() {
        return OutputActivation.SIGMOID;
    }
}
