package dev.kiln.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What an optimizer owns on one device: the manager its state buffers live in, and a small cache
 * of scalar arrays so that multiplying by a hyper-parameter does not create (and free) a native
 * scalar on every call, which is what {@code NDArray.muli(Number)} does on PyTorch.
 *
 * <p>Scalars are addressed by slot; a slot's array is only recreated when its value changes
 * (e.g. the learning rate, or Adam's bias correction once per step).
 */
public final class DeviceContext implements AutoCloseable {

    /** Slot of the constant zero used to clear gradients; optimizers number their slots after it. */
    public static final int ZERO = 0;

    private final NDManager manager;
    private final NDArray[] scalars;
    private final int[] bits;

    DeviceContext(NDManager manager, int slots) {
        this.manager = manager;
        this.scalars = new NDArray[slots];
        this.bits = new int[slots];
    }

    /** @return the manager owning this optimizer's arrays on this device */
    public NDManager manager() {
        return manager;
    }

    /**
     * @param slot the slot, from 1 to the optimizer's {@code scalarSlots() - 1} (0 is {@link #ZERO})
     * @param value the value
     * @return a 0-dimensional float32 array holding {@code value}, owned by this context: do not
     *     close it
     */
    public NDArray scalar(int slot, float value) {
        NDArray array = scalars[slot];
        int valueBits = Float.floatToRawIntBits(value);
        if (array == null || bits[slot] != valueBits) {
            if (array != null) {
                array.close();
            }
            array = manager.create(value);
            scalars[slot] = array;
            bits[slot] = valueBits;
        }
        return array;
    }

    /** Frees every array of this context. */
    @Override
    public void close() {
        manager.close();
    }
}
