package dev.kiln.eval.evaluator;

import dev.kiln.evaluation.Evaluator;
import dev.kiln.evaluation.EvaluatorProvider;
import dev.kiln.spi.KilnExtension;

/** The evaluator {@code per-class}: per-class accuracy, with the confusion matrix in the log. */
@KilnExtension(
        name = "per-class",
        description =
                "per-class accuracy (class-accuracy/<c>, mean-class-accuracy); confusion matrix in the log")
public final class PerClassEvaluatorProvider implements EvaluatorProvider {

    @Override
    public Evaluator create() {
        return new PerClassEvaluator();
    }
}
