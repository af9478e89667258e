package dev.kiln.eval.evaluator;

import com.typesafe.config.Config;
import dev.kiln.evaluation.Evaluator;
import dev.kiln.evaluation.EvaluatorProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The evaluator {@code accuracy}: top-1 and top-k accuracy, k from {@code kiln.eval.top-k}. */
@KilnExtension(
        name = "accuracy",
        description = "classification accuracy: accuracy and top<k>-accuracy (kiln.eval.top-k)")
public final class AccuracyEvaluatorProvider implements EvaluatorProvider {

    private final int topK;

    /**
     * @param kiln the whole {@code kiln} config
     */
    @Inject
    public AccuracyEvaluatorProvider(@Named("kiln") Config kiln) {
        this.topK = Settings.of(kiln.getConfig("eval"), "kiln.eval").intAtLeast("top-k", 1);
    }

    @Override
    public Evaluator create() {
        return new AccuracyEvaluator(topK);
    }
}
