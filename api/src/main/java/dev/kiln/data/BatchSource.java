package dev.kiln.data;

import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * An endless supply of training batches whose position can be checkpointed.
 *
 * <p>The trainer calls {@link #next} once per step with a per-step sub-manager that it closes
 * after the step; the batch's arrays live on that manager. {@link #state()} and {@link
 * #loadState} let checkpoints save and restore where the stream stands, so a resumed run sees
 * the same batches an uninterrupted one would.
 */
public interface BatchSource extends AutoCloseable {

    /**
     * Returns the next batch, with arrays attached to the given manager.
     *
     * @param manager the manager that owns the returned arrays
     * @return the next batch
     */
    TrainingBatch next(NDManager manager);

    /**
     * Returns the position of the next batch {@link #next} will return, as JSON-friendly values
     * (numbers and strings).
     *
     * @return a map to store in a checkpoint
     */
    Map<String, Object> state();

    /**
     * Moves to a position saved by {@link #state()}; the following batches are those the source
     * that saved it would have returned next. Numbers may come back as any {@link Number} type.
     *
     * @param state a map from {@link #state()}, possibly after a JSON round trip
     */
    void loadState(Map<String, Object> state);

    /** Stops any background work; {@link #next} must not be called afterwards. */
    @Override
    void close();
}
