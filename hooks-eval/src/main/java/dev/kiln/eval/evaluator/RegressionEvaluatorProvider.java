package dev.kiln.eval.evaluator;

import dev.kiln.evaluation.Evaluator;
import dev.kiln.evaluation.EvaluatorProvider;
import dev.kiln.spi.KilnExtension;

/** The evaluator {@code regression}: mean squared and mean absolute error. */
@KilnExtension(name = "regression", description = "regression errors: mse and mae")
public final class RegressionEvaluatorProvider implements EvaluatorProvider {

    @Override
    public Evaluator create() {
        return new RegressionEvaluator();
    }
}
