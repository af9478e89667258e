package dev.kiln.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.kiln.train.LossFunction;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each built-in loss against its formula worked out by hand, on both engines. */
class LossesTest {

    private static final float[][] LOGITS = {{1f, 2f, 3f}, {0.5f, 0.5f, -1f}};
    private static final int[] CLASSES = {2, 0};

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void softmaxCrossEntropyWithLabelSmoothing(String engine) {
        double eps = 0.1;
        double expected = 0;
        for (int i = 0; i < LOGITS.length; i++) {
            double[] logp = logSoftmax(LOGITS[i]);
            double loss = 0;
            for (int k = 0; k < logp.length; k++) {
                double q = (k == CLASSES[i] ? 1 - eps : 0) + eps / logp.length;
                loss -= q * logp[k];
            }
            expected += loss / LOGITS.length;
        }
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            double actual =
                    value(Losses.softmaxCrossEntropy(eps), "loss_cls", logits(m), classes(m));
            assertThat(actual).isCloseTo(expected, offset(1e-6));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void softmaxCrossEntropyWithoutSmoothingIsDjlsOwn(String engine) {
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            double djl =
                    Loss.softmaxCrossEntropyLoss()
                            .evaluate(new NDList(classes(m)), new NDList(logits(m)))
                            .getFloat();
            double ours = value(Losses.softmaxCrossEntropy(0), "loss_cls", logits(m), classes(m));
            assertThat(ours).isEqualTo(djl);
            double expected = 0;
            for (int i = 0; i < LOGITS.length; i++) {
                expected -= logSoftmax(LOGITS[i])[CLASSES[i]] / LOGITS.length;
            }
            assertThat(ours).isCloseTo(expected, offset(1e-6));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void binaryCrossEntropyOnLogits(String engine) {
        float[][] x = {{0.5f, -1f}, {2f, 0f}};
        float[][] y = {{1f, 0f}, {0f, 1f}};
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double p = 1 / (1 + Math.exp(-x[i][j]));
                expected -= (y[i][j] * Math.log(p) + (1 - y[i][j]) * Math.log(1 - p)) / 4;
            }
        }
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            double actual =
                    value(Losses.binaryCrossEntropy(), "loss_bce", m.create(x), m.create(y));
            assertThat(actual).isCloseTo(expected, offset(1e-6));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void regressionLossesAgainstAColumnOfTargets(String engine) {
        // one output per example; the targets come as a column of labels and are reshaped
        float[] predictions = {0.5f, 3f, -1f, 2f};
        float[] targets = {0f, 1f, -1f, 2.25f};
        double l2 = (0.25 + 4 + 0 + 0.0625) / 4;
        double l1 = (0.5 + 2 + 0 + 0.25) / 4;
        // beta = 1: 0.5 d² below 1, d - 0.5 from 1 on
        double smooth = (0.125 + 1.5 + 0 + 0.03125) / 4;
        // beta = 4: every difference is below it, 0.5 d² / 4
        double smoothWide = (0.25 + 4 + 0 + 0.0625) / 8 / 4;
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            NDArray x = m.create(predictions, new Shape(4, 1));
            NDArray y = m.create(targets);
            assertThat(value(Losses.l2(), "loss_l2", x, y)).isCloseTo(l2, offset(1e-6));
            assertThat(value(Losses.l1(), "loss_l1", x, y)).isCloseTo(l1, offset(1e-6));
            assertThat(value(Losses.smoothL1(1), "loss_smooth_l1", x, y))
                    .isCloseTo(smooth, offset(1e-6));
            assertThat(value(Losses.smoothL1(4), "loss_smooth_l1", x, y))
                    .isCloseTo(smoothWide, offset(1e-6));
        }
    }

    private static double value(LossFunction loss, String term, NDArray x, NDArray y) {
        Map<String, NDArray> terms = loss.compute(new NDList(x), new NDList(y));
        assertThat(terms).containsOnlyKeys(term);
        NDArray value = terms.get(term);
        assertThat(value.size()).isEqualTo(1);
        return value.getFloat();
    }

    private static NDArray logits(NDManager m) {
        return m.create(LOGITS);
    }

    private static NDArray classes(NDManager m) {
        return m.create(new float[] {CLASSES[0], CLASSES[1]});
    }

    private static double[] logSoftmax(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        double[] out = new double[row.length];
        for (int k = 0; k < row.length; k++) {
            out[k] = row[k] - max - Math.log(sum);
        }
        return out;
    }
}
