package dev.kiln.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import dev.kiln.train.LossFunction;
import java.util.Map;

/**
 * The built-in losses' formulas, each a mean over the batch (and over the outputs of an example),
 * with PyTorch's definitions:
 *
 * <pre>
 * softmax-cross-entropy  -sum_k q_k log softmax(x)_k,  q = (1 - eps) onehot(y) + eps / C
 * binary-cross-entropy   max(x, 0) - x y + log(1 + exp(-|x|))     (on logits, multi-label)
 * l2                     (x - y)²
 * l1                     |x - y|
 * smooth-l1              0.5 (x - y)² / beta  where |x - y| &lt; beta, else |x - y| - 0.5 beta
 * </pre>
 *
 * Targets whose shape differs from the predictions' but hold as many values (a column of labels
 * for one output per example) are reshaped to the predictions' shape.
 */
public final class Losses {

    private Losses() {}

    /**
     * @param labelSmoothing eps, in [0, 1); 0 is DJL's own softmax cross-entropy, bit for bit
     * @return softmax cross-entropy over class scores, against class indices, as {@code loss_cls}
     */
    public static LossFunction softmaxCrossEntropy(double labelSmoothing) {
        if (labelSmoothing == 0) {
            return LossFunction.of("loss_cls", Loss.softmaxCrossEntropyLoss());
        }
        float eps = (float) labelSmoothing;
        return term(
                "loss_cls",
                (x, y) -> {
                    long classes = x.getShape().get(x.getShape().dimension() - 1);
                    NDArray logp = x.logSoftmax(-1);
                    NDArray onehot =
                            y.toType(DataType.INT32, false)
                                    .reshape(-1)
                                    .oneHot((int) classes)
                                    .toType(x.getDataType(), false)
                                    .reshape(logp.getShape());
                    NDArray target = onehot.mul(1f - eps).add(eps / classes);
                    return target.mul(logp).sum(new int[] {-1}).neg().mean();
                });
    }

    /** @return binary cross-entropy on logits, against 0/1 targets per output, as {@code loss_bce} */
    public static LossFunction binaryCrossEntropy() {
        return term(
                "loss_bce",
                (x, y) -> {
                    NDArray t = target(y, x);
                    NDArray softplus = x.abs().neg().exp().add(1f).log();
                    return x.maximum(0f).sub(x.mul(t)).add(softplus).mean();
                });
    }

    /** @return the mean squared error, as {@code loss_l2} */
    public static LossFunction l2() {
        return term("loss_l2", (x, y) -> x.sub(target(y, x)).square().mean());
    }

    /** @return the mean absolute error, as {@code loss_l1} */
    public static LossFunction l1() {
        return term("loss_l1", (x, y) -> x.sub(target(y, x)).abs().mean());
    }

    /**
     * @param beta where the loss turns from quadratic to linear, > 0
     * @return the smooth L1 (Huber-like) loss, as {@code loss_smooth_l1}
     */
    public static LossFunction smoothL1(double beta) {
        float b = (float) beta;
        return term(
                "loss_smooth_l1",
                (x, y) -> {
                    NDArray d = x.sub(target(y, x)).abs();
                    NDArray quadratic = d.square().mul(0.5f / b);
                    NDArray linear = d.sub(0.5f * b);
                    return NDArrays.where(d.lt(b), quadratic, linear).mean();
                });
    }

    /** The targets as the predictions' type, and in their shape when they hold as many values. */
    static NDArray target(NDArray labels, NDArray predictions) {
        NDArray t = labels.toType(predictions.getDataType(), false);
        if (!t.getShape().equals(predictions.getShape()) && t.size() == predictions.size()) {
            t = t.reshape(predictions.getShape());
        }
        return t;
    }

    private interface Formula {
        NDArray apply(NDArray predictions, NDArray targets);
    }

    private static LossFunction term(String name, Formula formula) {
        return (NDList predictions, NDList labels) ->
                Map.of(
                        name,
                        formula.apply(predictions.singletonOrThrow(), labels.singletonOrThrow()));
    }
}
