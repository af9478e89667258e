package dev.kiln.eval.evaluator;

import ai.djl.ndarray.NDList;
import dev.kiln.evaluation.Evaluator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regression errors over every predicted value: {@code mse}, the mean squared error, and {@code
 * mae}, the mean absolute error. The outputs and the labels must hold as many values per batch
 * (shapes (batch) and (batch, 1) match). With several outputs per example, such as a CSV with
 * several label columns, outputs and labels are both (batch, k) and each error is averaged over
 * all outputs: the mean over the examples and their k targets alike, not one error per target.
 */
public final class RegressionEvaluator implements Evaluator {

    private double squared;
    private double absolute;
    private long count;

    @Override
    public void reset() {
        squared = 0;
        absolute = 0;
        count = 0;
    }

    @Override
    public void process(NDList inputs, NDList outputs, NDList labels) {
        float[] predicted = Batches.floats(outputs.head());
        float[] target = Batches.floats(labels.head());
        if (predicted.length != target.length) {
            throw new IllegalArgumentException(
                    "regression outputs of shape "
                            + outputs.head().getShape()
                            + " do not match labels of shape "
                            + labels.head().getShape());
        }
        for (int i = 0; i < predicted.length; i++) {
            double error = (double) predicted[i] - target[i];
            squared += error * error;
            absolute += Math.abs(error);
        }
        count += predicted.length;
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> results = new LinkedHashMap<>();
        results.put("mse", squared / count);
        results.put("mae", absolute / count);
        return results;
    }
}
