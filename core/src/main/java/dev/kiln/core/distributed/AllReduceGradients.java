package dev.kiln.core.distributed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import dev.kiln.collective.Collective;
import dev.kiln.events.EventStorage;
import dev.kiln.train.GradientReducer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Sums a step's gradients over the processes that train one model together: first over this
 * process's own workers in order ({@link GradientReducer#sumInOrder()}), then over the processes
 * with one all-reduce of a flat buffer holding every gradient, in parameter order, followed by the
 * step's numbers (the loss sums and the proposal to stop), whose time it puts as {@code
 * allreduce_time} (seconds). Every process is left with identical
 * gradients, so every process takes the same optimizer step and the parameters stay identical
 * without being sent.
 */
public final class AllReduceGradients implements GradientReducer {

    private static final NDIndex ALL = new NDIndex("...");

    private final Collective collective;
    private final GradientReducer local = GradientReducer.sumInOrder();
    private FloatBuffer buffer;

    /** @param collective the processes' collective, joined by this process */
    public AllReduceGradients(Collective collective) {
        this.collective = collective;
    }

    @Override
    public void reduce(ParameterList master, List<ParameterList> replicas) {
        reduce(master, replicas, new float[0]);
    }

    @Override
    public void reduce(ParameterList master, List<ParameterList> replicas, float[] scalars) {
        local.reduce(master, replicas);
        List<NDArray> weights = new ArrayList<>(master.size());
        int count = scalars.length;
        for (int i = 0; i < master.size(); i++) {
            NDArray weight = gradientHolder(master.valueAt(i));
            if (weight != null) {
                weights.add(weight);
                count += Math.toIntExact(weight.size());
            }
        }
        if (buffer == null || buffer.capacity() < count) {
            buffer =
                    ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES))
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
        }
        buffer.clear();
        for (NDArray weight : weights) {
            try (NDArray gradient = weight.getGradient()) {
                buffer.put(gradient.toFloatArray());
            }
        }
        buffer.put(scalars);
        long start = System.nanoTime();
        collective.allReduceSum(buffer, count);
        double seconds = (System.nanoTime() - start) / 1e9;
        EventStorage.currentIfActive()
                .ifPresent(storage -> storage.putScalar("allreduce_time", seconds));
        buffer.rewind();
        for (NDArray weight : weights) {
            float[] summed = new float[Math.toIntExact(weight.size())];
            buffer.get(summed);
            try (NDArray gradient = weight.getGradient();
                    NDManager temp = weight.getManager().newSubManager()) {
                gradient.set(ALL, temp.create(summed, gradient.getShape()));
            }
        }
        buffer.get(scalars);
    }

    /** @return the parameter's array when it has a gradient to reduce, else null */
    private static NDArray gradientHolder(Parameter parameter) {
        if (!parameter.requiresGradient() || !parameter.isInitialized()) {
            return null;
        }
        NDArray weight = parameter.getArray();
        return weight.hasGradient() ? weight : null;
    }
}
