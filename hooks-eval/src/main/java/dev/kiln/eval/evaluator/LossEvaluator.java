package dev.kiln.eval.evaluator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.kiln.evaluation.Evaluator;
import dev.kiln.train.LossFunction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mean loss over the test data, the validation loss: the loss the trainer minimizes, computed
 * on each batch (whose terms are means over the batch) and averaged over every example, so a
 * smaller last batch weighs by its size. Reports {@code loss}, the sum of the terms, and each term
 * by its name when there are several.
 */
public final class LossEvaluator implements Evaluator {

    private final LossFunction loss;
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private long examples;

    /**
     * @param loss the loss, such as the trainer's
     */
    public LossEvaluator(LossFunction loss) {
        this.loss = loss;
    }

    @Override
    public void reset() {
        sums.clear();
        examples = 0;
    }

    @Override
    public void process(NDList inputs, NDList outputs, NDList labels) {
        long batch = labels.head().getShape().get(0);
        for (Map.Entry<String, NDArray> term : loss.compute(outputs, labels).entrySet()) {
            double mean = Batches.floats(term.getValue())[0];
            sums.merge(term.getKey(), mean * batch, Double::sum);
        }
        examples += batch;
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> results = new LinkedHashMap<>();
        double total = 0;
        for (double sum : sums.values()) {
            total += sum / examples;
        }
        results.put("loss", total);
        if (sums.size() > 1) {
            sums.forEach((name, sum) -> results.put(name, sum / examples));
        }
        return results;
    }
}
