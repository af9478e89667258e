package dev.kiln.eval.evaluator;

import dev.kiln.evaluation.Evaluator;
import dev.kiln.evaluation.EvaluatorProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.train.LossFunction;
import jakarta.inject.Inject;

/** The evaluator {@code loss}: the trainer's loss, averaged over the test data. */
@KilnExtension(
        name = "loss",
        description = "the validation loss: the trainer's loss averaged over the test data (loss)")
public final class LossEvaluatorProvider implements EvaluatorProvider {

    private final LossFunction loss;

    /**
     * @param loss the loss the trainer minimizes
     */
    @Inject
    public LossEvaluatorProvider(LossFunction loss) {
        this.loss = loss;
    }

    @Override
    public Evaluator create() {
        return new LossEvaluator(loss);
    }
}
