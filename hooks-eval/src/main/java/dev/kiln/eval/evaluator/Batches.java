package dev.kiln.eval.evaluator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Copies a batch's outputs and labels to the host, where the evaluators count. */
final class Batches {

    private Batches() {}

    /** @return the array's values as floats, in row-major order */
    static float[] floats(NDArray array) {
        return array.getDataType() == DataType.FLOAT32
                ? array.toFloatArray()
                : array.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /**
     * @param labels the batch's labels: class indices of shape (batch)
     * @return the class indices
     * @throws IllegalArgumentException when the labels are not one per example, or a label is not
     *     a whole number >= 0
     */
    static int[] classes(NDList labels) {
        Shape shape = labels.head().getShape();
        if (shape.dimension() > 1 && shape.size() != shape.get(0)) {
            throw new IllegalArgumentException(
                    "class labels must have shape (batch) but have shape "
                            + shape
                            + ": several labels per example (such as a CSV's label-columns) are"
                            + " not one class index; measure them with the regression or loss"
                            + " evaluator");
        }
        float[] values = floats(labels.head());
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0) || v != Math.rint(v)) {
                throw new IllegalArgumentException(
                        "a class label must be a whole number >= 0, got " + v);
            }
            out[i] = (int) v;
        }
        return out;
    }

    /**
     * @param outputs the model's outputs: scores of shape (batch, classes)
     * @param batch the number of examples
     * @return the number of classes
     * @throws IllegalArgumentException when the outputs are not (batch, classes)
     */
    static int classCount(NDList outputs, int batch) {
        NDArray scores = outputs.head();
        if (scores.getShape().dimension() != 2 || scores.getShape().get(0) != batch) {
            throw new IllegalArgumentException(
                    "expected outputs of shape (batch, classes) = ("
                            + batch
                            + ", classes), got "
                            + scores.getShape());
        }
        return Math.toIntExact(scores.getShape().get(1));
    }
}
