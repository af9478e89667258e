package dev.kiln.evaluation;

/**
 * Creates an {@link Evaluator} of one kind: the evaluator extension point, selected by name at
 * the key an evaluation hook declares. An implementation carries {@code @KilnExtension(name = "<name>")},
 * is listed in {@code META-INF/services/dev.kiln.evaluation.EvaluatorProvider} and gets its
 * settings and what else it needs (the loss, say) by constructor injection.
 */
public interface EvaluatorProvider {

    /** @return a new evaluator, reset */
    Evaluator create();
}
