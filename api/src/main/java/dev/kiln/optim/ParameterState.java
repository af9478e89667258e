package dev.kiln.optim;

import ai.djl.ndarray.NDArray;

/**
 * The optimizer state of one parameter: its update count and its buffers (momentum, moments), in
 * the order of {@link StatefulOptimizer#bufferNames()}.
 *
 * <p>A state restored by {@link StatefulOptimizer#loadStateDict} first holds its buffers as
 * {@link HostArray host copies}; they become arrays on the parameter's device the first time the
 * parameter is updated.
 */
public final class ParameterState {

    final String name;

    /** Number of updates applied so far; incremented before each update, so 1 on the first. */
    long step;

    /** Whether weight decay applies to this parameter (see {@link StatefulOptimizer}). */
    boolean decays;

    /** The weight decay coefficient of this parameter: its group's, else the optimizer's. */
    float weightDecay;

    /** The factor on the learning rate of this parameter, from its group (1 without one). */
    float lrFactor = 1f;

    /** Whether the three fields above are set for the optimizer's current parameter groups. */
    boolean resolved;

    /** Device this state lives on; null until the parameter is first seen. */
    DeviceContext context;

    /** Buffers on {@link #context}'s device; an entry is null until created by the optimizer. */
    final NDArray[] buffers;

    /** Restored values not yet materialized, or null. */
    HostArray[] pending;

    ParameterState(String name, int bufferCount) {
        this.name = name;
        this.buffers = new NDArray[bufferCount];
    }

    /** @return the parameter's name, such as {@code 01Linear_weight} */
    public String name() {
        return name;
    }

    /** @return the number of updates applied, counting the one in progress (1 on the first) */
    public long step() {
        return step;
    }

    /** @return whether weight decay applies to this parameter */
    public boolean decays() {
        return decays;
    }

    /**
     * @return the weight decay coefficient of this parameter: its parameter group's when that sets
     *     one, else the optimizer's (see {@link StatefulOptimizer#setParameterGroups})
     */
    public float weightDecay() {
        return weightDecay;
    }

    /**
     * @return the factor on the learning rate of this parameter, from its parameter group (1
     *     without one); the learning rate {@code update} receives is already multiplied by it
     */
    public float lrFactor() {
        return lrFactor;
    }

    /**
     * @param index the buffer's index in {@code bufferNames()}
     * @return the buffer, or null until the optimizer creates it
     */
    public NDArray buffer(int index) {
        return buffers[index];
    }

    /**
     * @param index the buffer's index in {@code bufferNames()}
     * @param buffer the new buffer, attached to the device context's manager
     */
    public void setBuffer(int index, NDArray buffer) {
        buffers[index] = buffer;
    }
}
