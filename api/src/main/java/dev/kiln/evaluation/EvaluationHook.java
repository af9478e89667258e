package dev.kiln.evaluation;

import dev.kiln.train.Hook;
import java.util.Map;

/**
 * A hook that evaluates the model and can also do so outside training: {@code
 * DefaultTrainer.evaluate()} ({@code kiln train --eval-only}) calls {@link #evaluateOnly()} on
 * each registered one instead of training.
 */
public interface EvaluationHook extends Hook {

    /**
     * Evaluates the model as it stands, once, without training: prints the results, checks them
     * against what the config expects, and puts nothing in any storage.
     *
     * @return the results by their full names, such as {@code test/accuracy}
     * @throws ExpectedResultsException when a result misses what the config expects
     */
    Map<String, Double> evaluateOnly();
}
