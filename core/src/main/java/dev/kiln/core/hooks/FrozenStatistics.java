package dev.kiln.core.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import dev.kiln.train.Hook;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the running statistics of frozen normalization layers fixed ({@code kiln.solver.freeze}):
 * a training forward pass of DJL's {@code BatchNorm} updates its running mean and variance in
 * place, so this hook copies them when training starts (after any weights or checkpoint are
 * loaded) and puts the copies back after each backward pass, before the optimizer step and before
 * any hook's {@code afterStep} (evaluation, checkpoints) sees them.
 */
public final class FrozenStatistics implements Hook {

    private static final NDIndex ALL = new NDIndex("...");

    private final List<Parameter> statistics;
    private final List<NDArray> saved = new ArrayList<>();
    private NDManager manager;

    /** @param statistics the running-statistics parameters to keep, initialized */
    public FrozenStatistics(List<Parameter> statistics) {
        this.statistics = List.copyOf(statistics);
    }

    @Override
    public void beforeTrain() {
        release();
        if (statistics.isEmpty()) {
            return;
        }
        NDArray first = statistics.get(0).getArray();
        manager = first.getManager().getEngine().newBaseManager(first.getDevice());
        for (Parameter parameter : statistics) {
            NDArray copy = parameter.getArray().duplicate();
            copy.attach(manager);
            saved.add(copy);
        }
    }

    @Override
    public void afterBackward() {
        for (int i = 0; i < saved.size(); i++) {
            statistics.get(i).getArray().set(ALL, saved.get(i));
        }
    }

    @Override
    public void afterTrain() {
        release();
    }

    private void release() {
        saved.clear();
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }
}
