package dev.kiln.eval.evaluator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

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
     * @throws IllegalArgumentException when a label is not a whole number >= 0
     */
    static int[] classes(NDList labels) {
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
