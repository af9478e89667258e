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
     * Returns into how many shares this source cuts each batch it draws. 1 (the default): {@link
     * #next} returns whole batches, and a trainer of several processes cuts out its own share.
     * {@code N}: the source was built for one of {@code N} processes and {@link #next} returns
     * only that process's share, the rows a cut of the drawn batch into {@code N} equal,
     * contiguous parts would give it; so it gathers (decodes, augments) a {@code 1/N} of the
     * rows. {@link #state()} is still the position in the drawn batches, the same on every
     * process.
     *
     * @return 1, or the number of processes the drawn batches are shared by
     */
    default int shares() {
        return 1;
    }

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
