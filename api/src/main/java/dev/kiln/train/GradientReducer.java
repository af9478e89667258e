package dev.kiln.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.util.List;

/**
 * How a {@link SimpleTrainer} combines the gradients of one step's workers into the gradients of
 * the parameters its optimizer updates, once every backward pass of the step has run and before
 * {@code afterBackward}, clipping and the update.
 *
 * <p>Within one process the workers are the trainer's model and its {@link Replica replicas}, and
 * {@link #sumInOrder()} adds them up. A reducer for several processes (one trainer per process,
 * each over its share of the global batch) would first sum its local workers the same way and then
 * sum the result over the processes (an all-reduce), leaving the same total in every process, so
 * that every process takes the same step.
 */
@FunctionalInterface
public interface GradientReducer {

    /**
     * Leaves in the gradients of {@code master} the sum of the step's gradients over the workers.
     * The gradients of {@code replicas} may be used as scratch space: the trainer zeroes them
     * afterwards.
     *
     * @param master the parameters the optimizer updates (the trainer's model's), holding the
     *     gradients of its own share of the batch
     * @param replicas the parameters of the other local workers, in device order, each holding the
     *     gradients of its share; empty when the trainer runs on one device
     */
    void reduce(ParameterList master, List<ParameterList> replicas);

    /**
     * Reduces the gradients as {@link #reduce(ParameterList, List)} does, and with them a few
     * numbers of the step (the loss sums, a proposal to stop), summed the same way over the
     * processes; within one process they stay as they are.
     *
     * @param master the parameters the optimizer updates
     * @param replicas the parameters of the other local workers
     * @param scalars the step's numbers of this process, replaced by their sums over the processes
     */
    default void reduce(ParameterList master, List<ParameterList> replicas, float[] scalars) {
        reduce(master, replicas);
    }

    /**
     * Sums in a fixed order, the same on every engine and every run: for each parameter that
     * requires a gradient and has one, {@code ((g0 + g1) + g2) + ...}, where {@code g0} is the
     * master's gradient and {@code gi} that of replica {@code i} (copied to the master's device
     * first when it lives elsewhere). This is the order in which {@link
     * SimpleTrainer#setAccumulateSteps accumulation} sums its micro-batches (up to the last
     * addition's operands, which float addition does not distinguish), so that N replicas of one
     * micro-batch each give bitwise the gradients of accumulating over N micro-batches.
     *
     * @return the reducer
     */
    static GradientReducer sumInOrder() {
        return (master, replicas) -> {
            if (replicas.isEmpty()) {
                return;
            }
            for (int i = 0; i < master.size(); i++) {
                Parameter parameter = master.valueAt(i);
                if (!parameter.requiresGradient()
                        || !parameter.isInitialized()
                        || !parameter.getArray().hasGradient()) {
                    continue;
                }
                try (NDArray sum = parameter.getArray().getGradient()) {
                    for (ParameterList replica : replicas) {
                        NDArray weight = replica.valueAt(i).getArray();
                        if (!weight.hasGradient()) {
                            continue;
                        }
                        try (NDArray gradient = weight.getGradient()) {
                            if (gradient.getDevice().equals(sum.getDevice())) {
                                sum.addi(gradient);
                            } else {
                                try (NDArray moved = gradient.toDevice(sum.getDevice(), true)) {
                                    sum.addi(moved);
                                }
                            }
                        }
                    }
                }
            }
        };
    }
}
