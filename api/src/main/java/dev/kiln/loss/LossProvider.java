package dev.kiln.loss;

import dev.kiln.train.LossFunction;

/**
 * Creates the loss a run minimizes, by name ({@code kiln.loss.type}). An implementation is a Kiln
 * extension: it carries {@code @KilnExtension}, is listed in {@code
 * META-INF/services/dev.kiln.loss.LossProvider} and reads its keys next to the type in {@code
 * kiln.loss} (through {@code @Named("kiln") Config}), as a model type reads {@code kiln.model}.
 */
public interface LossProvider {

    /** @return the loss function, whose terms the trainer sums into {@code total_loss} */
    LossFunction create();

    /**
     * @return how predictions read the outputs of a model trained with this loss; {@link
     *     OutputActivation#NONE} (the values themselves) unless the loss says otherwise
     */
    default OutputActivation outputActivation() {
        return OutputActivation.NONE;
    }
}
