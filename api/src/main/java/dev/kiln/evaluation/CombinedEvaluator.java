package dev.kiln.evaluation;

import ai.djl.ndarray.NDList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several evaluators run as one, after detectron2's {@code DatasetEvaluators}: each gets every
 * batch, and their results are merged in order. Two evaluators returning a result of the same
 * name is an error, so no result silently hides another.
 */
public final class CombinedEvaluator implements Evaluator {

    private final List<Evaluator> evaluators;

    /**
     * @param evaluators the evaluators, in the order their results are listed
     */
    public CombinedEvaluator(List<? extends Evaluator> evaluators) {
        this.evaluators = List.copyOf(evaluators);
    }

    /** @return the evaluators combined, in order */
    public List<Evaluator> evaluators() {
        return evaluators;
    }

    @Override
    public void reset() {
        for (Evaluator e : evaluators) {
            e.reset();
        }
    }

    @Override
    public void process(NDList inputs, NDList outputs, NDList labels) {
        for (Evaluator e : evaluators) {
            e.process(inputs, outputs, labels);
        }
    }

    /**
     * @return every evaluator's results, in order
     * @throws IllegalStateException when two evaluators return a result of the same name
     */
    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> results = new LinkedHashMap<>();
        Map<String, Evaluator> from = new LinkedHashMap<>();
        for (Evaluator e : evaluators) {
            for (Map.Entry<String, Double> r : e.evaluate().entrySet()) {
                Evaluator other = from.putIfAbsent(r.getKey(), e);
                if (other != null) {
                    throw new IllegalStateException(
                            "two evaluators return a result named '"
                                    + r.getKey()
                                    + "': "
                                    + other.getClass().getName()
                                    + " and "
                                    + e.getClass().getName());
                }
                results.put(r.getKey(), r.getValue());
            }
        }
        return results;
    }
}
