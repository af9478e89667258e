package dev.kiln.eval.evaluator;

import ai.djl.ndarray.NDList;
import dev.kiln.evaluation.Evaluator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Classification accuracy: the fraction of examples whose label has the highest score ({@code
 * accuracy}) and, for {@code k > 1}, the fraction whose label is among the {@code k} highest
 * scores ({@code top<k>-accuracy}). A label ties with another class's equal score in its favour;
 * an example with a NaN score counts as wrong.
 * The outputs are scores of shape (batch, classes); the labels class indices of shape (batch).
 */
public final class AccuracyEvaluator implements Evaluator {

    private final int topK;
    private long examples;
    private long top1;
    private long topKCorrect;

    /**
     * @param topK the k of the top-k accuracy, at least 1; 1 reports only the top-1 accuracy
     */
    public AccuracyEvaluator(int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, was " + topK);
        }
        this.topK = topK;
    }

    @Override
    public void reset() {
        examples = 0;
        top1 = 0;
        topKCorrect = 0;
    }

    @Override
    public void process(NDList inputs, NDList outputs, NDList labels) {
        int[] classes = Batches.classes(labels);
        int width = Batches.classCount(outputs, classes.length);
        float[] scores = Batches.floats(outputs.head());
        for (int i = 0; i < classes.length; i++) {
            int label = classes[i];
            if (label >= width) {
                throw new IllegalArgumentException(
                        "label "
                                + label
                                + " is not among the "
                                + width
                                + " classes of the outputs");
            }
            float own = scores[i * width + label];
            boolean invalid = false;
            int higher = 0;
            for (int c = 0; c < width; c++) {
                float score = scores[i * width + c];
                invalid |= Float.isNaN(score);
                if (score > own) {
                    higher++;
                }
            }
            if (invalid) {
                continue;
            }
            if (higher == 0) {
                top1++;
            }
            if (higher < topK) {
                topKCorrect++;
            }
        }
        examples += classes.length;
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> results = new LinkedHashMap<>();
        results.put("accuracy", (double) top1 / examples);
        if (topK > 1) {
            results.put("top" + topK + "-accuracy", (double) topKCorrect / examples);
        }
        return results;
    }
}
