package dev.kiln.events;

/**
 * Writes what an {@link EventStorage} holds somewhere (console, a file, TensorBoard). Writers are
 * called by the periodic writer every few iterations and at the end of training, always on the
 * training thread with the current storage.
 */
public interface EventWriter extends AutoCloseable {

    /**
     * Writes what is new in the storage.
     *
     * @param storage the storage of the running training
     */
    void write(EventStorage storage);

    /**
     * Tells the writer that this run resumes at an iteration, before the first {@link #write}, so
     * a writer of a persistent file can drop what an interrupted run wrote after that point.
     *
     * @param iteration the first iteration the resumed run will execute
     */
    default void resumeAt(long iteration) {}

    /** Flushes and releases what the writer holds. */
    @Override
    default void close() {}
}
