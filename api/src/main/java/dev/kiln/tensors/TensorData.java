package dev.kiln.tensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An array's values on the Java heap, in little-endian byte order, with its shape and type:
 * what a safetensors file holds per name. Independent of any engine, so a checkpoint written under
 * one engine loads under the other.
 *
 * @param dataType the element type
 * @param shape the shape
 * @param data the values, little-endian, row-major; {@code shape.size() * dataType.getNumOfBytes()}
 *     bytes
 */
public record TensorData(DataType dataType, Shape shape, byte[] data) {

    /**
     * Checks that the byte count matches the shape and type.
     *
     * @param dataType the element type
     * @param shape the shape
     * @param data the values
     */
    public TensorData {
        long expected = shape.size() * dataType.getNumOfBytes();
        if (data.length != expected) {
            throw new IllegalArgumentException(
                    "a "
                            + dataType
                            + shape
                            + " array has "
                            + expected
                            + " bytes, not "
                            + data.length);
        }
    }

    /**
     * Copies an array's values to the heap.
     *
     * @param array the array (any engine, any device)
     * @return the copy
     */
    public static TensorData of(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.order() == ByteOrder.BIG_ENDIAN && array.getDataType().getNumOfBytes() > 1) {
            swap(bytes, array.getDataType().getNumOfBytes());
        }
        return new TensorData(array.getDataType(), array.getShape(), bytes);
    }

    /**
     * Creates an array with these values.
     *
     * @param manager the manager (engine and device) of the new array
     * @return the array, attached to {@code manager}
     */
    public NDArray toNDArray(NDManager manager) {
        ByteBuffer buffer = manager.allocateDirect(data.length);
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(data);
        buffer.rewind();
        buffer.order(ByteOrder.nativeOrder());
        if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN && dataType.getNumOfBytes() > 1) {
            byte[] swapped = data.clone();
            swap(swapped, dataType.getNumOfBytes());
            buffer.put(swapped);
            buffer.rewind();
        }
        return manager.create(buffer, shape, dataType);
    }

    private static void swap(byte[] bytes, int width) {
        for (int i = 0; i + width <= bytes.length; i += width) {
            for (int a = i, b = i + width - 1; a < b; a++, b--) {
                byte t = bytes[a];
                bytes[a] = bytes[b];
                bytes[b] = t;
            }
        }
    }
}
