package dev.kiln.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;

/**
 * One copy of a trainer's model on one device, for steps that split each batch over several
 * devices of one process ({@link SimpleTrainer#setReplicas}). A replica is a model of its own,
 * built like the trainer's, with its own parameter arrays on its manager's device; the trainer
 * copies the weights into it, so how it was initialized does not matter.
 */
public final class Replica {

    private final Block model;
    private final NDManager manager;
    private final ParameterStore parameterStore;

    /**
     * @param model the replica's model, initialized, of the same architecture as the trainer's
     *     (the same parameter names and shapes, in the same order)
     * @param manager the manager its parameters live in, on the replica's device; each step works
     *     in a child of it
     * @throws IllegalArgumentException when the model is not initialized
     */
    public Replica(Block model, NDManager manager) {
        if (!model.isInitialized()) {
            throw new IllegalArgumentException("a replica's model must be initialized");
        }
        this.model = model;
        this.manager = manager;
        this.parameterStore = new ParameterStore(manager, false);
    }

    /** @return the replica's model */
    public Block model() {
        return model;
    }

    /** @return the manager its parameters live in */
    public NDManager manager() {
        return manager;
    }

    /** @return the device it runs on, its manager's */
    public Device device() {
        return manager.getDevice();
    }

    /** @return its parameters, in the model's order */
    public ParameterList parameters() {
        return model.getParameters();
    }

    ParameterStore parameterStore() {
        return parameterStore;
    }
}
