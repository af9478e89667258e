package dev.kiln.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * An engine-independent copy of an array's bytes, used to hold loaded optimizer state until the
 * matching parameter (and so its device and manager) is first seen.
 */
record HostArray(byte[] data, Shape shape, DataType dataType) {

    /** Copies the values of {@code array} to the Java heap. */
    static HostArray of(NDArray array) {
        return new HostArray(array.toByteArray(), array.getShape(), array.getDataType());
    }

    /** Creates a new array with these values, attached to {@code manager} on its device. */
    NDArray toNDArray(NDManager manager) {
        ByteBuffer buffer = manager.allocateDirect(data.length);
        buffer.put(data);
        buffer.rewind();
        return manager.create(buffer, shape, dataType);
    }
}
