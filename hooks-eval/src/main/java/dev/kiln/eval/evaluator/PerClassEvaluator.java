package dev.kiln.eval.evaluator;

import ai.djl.ndarray.NDList;
import dev.kiln.evaluation.Evaluator;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-class accuracy and the confusion matrix: for each class c with test examples, {@code
 * class-accuracy/c} (the fraction of its examples predicted as c, its recall), and {@code
 * mean-class-accuracy} (their mean). {@link #evaluate()} prints the confusion matrix in the log,
 * a row per true class and a column per predicted class. The prediction is the class of the
 * highest score (the first one on a tie); an example with a NaN score is predicted as nothing: it
 * counts against its class and is not in the matrix.
 */
public final class PerClassEvaluator implements Evaluator {

    private static final Logger LOG = LoggerFactory.getLogger(PerClassEvaluator.class);

    private long[][] confusion = new long[0][0];
    private long[] unpredicted = new long[0];

    @Override
    public void reset() {
        confusion = new long[0][0];
        unpredicted = new long[0];
    }

    @Override
    public void process(NDList inputs, NDList outputs, NDList labels) {
        int[] classes = Batches.classes(labels);
        int width = Batches.classCount(outputs, classes.length);
        float[] scores = Batches.floats(outputs.head());
        for (int i = 0; i < classes.length; i++) {
            int predicted = 0;
            boolean invalid = false;
            for (int c = 0; c < width; c++) {
                invalid |= Float.isNaN(scores[i * width + c]);
                if (scores[i * width + c] > scores[i * width + predicted]) {
                    predicted = c;
                }
            }
            grow(Math.max(width, classes[i] + 1));
            if (invalid) {
                unpredicted[classes[i]]++;
            } else {
                confusion[classes[i]][predicted]++;
            }
        }
    }

    private void grow(int size) {
        if (size > confusion.length) {
            long[][] bigger = new long[size][size];
            for (int r = 0; r < confusion.length; r++) {
                System.arraycopy(confusion[r], 0, bigger[r], 0, confusion.length);
            }
            confusion = bigger;
            unpredicted = Arrays.copyOf(unpredicted, size);
        }
    }

    /** @return the confusion matrix so far: [true class][predicted class] counts, a copy */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int r = 0; r < confusion.length; r++) {
            copy[r] = confusion[r].clone();
        }
        return copy;
    }

    @Override
    public Map<String, Double> evaluate() {
        Map<String, Double> results = new LinkedHashMap<>();
        double sum = 0;
        int present = 0;
        for (int c = 0; c < confusion.length; c++) {
            long total = Arrays.stream(confusion[c]).sum() + unpredicted[c];
            if (total > 0) {
                double accuracy = (double) confusion[c][c] / total;
                results.put("class-accuracy/" + c, accuracy);
                sum += accuracy;
                present++;
            }
        }
        Map<String, Double> ordered = new LinkedHashMap<>();
        ordered.put("mean-class-accuracy", present > 0 ? sum / present : Double.NaN);
        ordered.putAll(results);
        LOG.info(
                "Confusion matrix (rows: true class, columns: predicted class):\n{}", matrixText());
        return ordered;
    }

    /** @return the confusion matrix as aligned text, with class numbers on both axes */
    public String matrixText() {
        int n = confusion.length;
        int width = String.valueOf(n - 1).length();
        for (long[] row : confusion) {
            for (long v : row) {
                width = Math.max(width, String.valueOf(v).length());
            }
        }
        String cell = "%" + (width + 1) + "s";
        StringBuilder out = new StringBuilder(String.format(cell, ""));
        out.append(" |");
        for (int c = 0; c < n; c++) {
            out.append(String.format(cell, c));
        }
        for (int r = 0; r < n; r++) {
            out.append('\n').append(String.format(cell, r)).append(" |");
            for (int c = 0; c < n; c++) {
                out.append(String.format(cell, confusion[r][c]));
            }
        }
        return out.toString();
    }
}
