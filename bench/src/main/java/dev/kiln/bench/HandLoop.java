package dev.kiln.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.kiln.core.optim.Sgd;
import java.util.List;

/**
 * The limit a benchmark compares with: forward, softmax cross-entropy, backward and Kiln's SGD
 * update over batches made into arrays beforehand, cycled through; no sampling, no batch creation,
 * no hooks, no storage.
 */
final class HandLoop implements Way {

    private final Engine engine;
    private final NDManager manager;
    private final Block model;
    private final List<NDList[]> batches;
    private final ParameterStore ps;
    private final Sgd optimizer;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private int next;

    /**
     * @param engine the engine
     * @param manager the manager of the model and the batches; closed with this loop
     * @param model the initialized model
     * @param batches each an array of data and labels, on {@code manager}
     * @param lr the learning rate
     * @param momentum the momentum
     */
    HandLoop(
            Engine engine,
            NDManager manager,
            Block model,
            List<NDList[]> batches,
            float lr,
            float momentum) {
        this.engine = engine;
        this.manager = manager;
        this.model = model;
        this.batches = batches;
        this.ps = new ParameterStore(manager, false);
        this.optimizer = Sgd.builder().learningRate(lr).momentum(momentum).build();
    }

    @Override
    public String mode() {
        return "hand";
    }

    @Override
    public long run(int n) {
        for (int i = 0; i < n; i++) {
            NDList[] batch = batches.get(next++ % batches.size());
            try (NDManager step = manager.newSubManager()) {
                batch[0].tempAttach(step);
                batch[1].tempAttach(step);
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray l = loss.evaluate(batch[1], model.forward(ps, batch[0], true));
                    if (!Float.isFinite(l.getFloat())) {
                        throw new IllegalStateException("loss diverged");
                    }
                    collector.backward(l);
                }
                optimizer.step(model.getParameters());
            }
        }
        OverheadBenchmark.settle(model);
        return n;
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
