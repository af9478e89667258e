package dev.kiln.checkpoint;

import dev.kiln.tensors.TensorFileException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes snapshots on a thread of its own, one at a time: {@link #submit} first waits for the save
 * in flight, so at most one is. A failed save is thrown, as a {@link CheckpointException}, by the
 * next call of {@link #rethrowFailure()}, {@link #submit} or {@link #await()}.
 */
public final class BackgroundWriter implements AutoCloseable {

    private final Checkpointer checkpointer;
    private final ExecutorService executor;
    private Future<?> inFlight;

    /**
     * Creates a writer with its thread.
     *
     * @param checkpointer what writes the snapshots
     */
    public BackgroundWriter(Checkpointer checkpointer) {
        this.checkpointer = checkpointer;
        this.executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "kiln-checkpoint-writer");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Waits for the save in flight, then starts writing this one.
     *
     * @param name the checkpoint's name
     * @param snapshot its content, copied on the training thread
     * @param after what to do once it is written (on the writer's thread), e.g. prune old ones
     * @throws CheckpointException if the previous save failed
     */
    public synchronized void submit(String name, Snapshot snapshot, Runnable after) {
        await();
        inFlight =
                executor.submit(
                        () -> {
                            checkpointer.write(name, snapshot);
                            after.run();
                        });
    }

    /**
     * Throws the failure of a finished save, once; does not wait.
     *
     * @throws CheckpointException if the last save failed
     */
    public synchronized void rethrowFailure() {
        if (inFlight != null && inFlight.isDone()) {
            await();
        }
    }

    /**
     * Waits for the save in flight.
     *
     * @throws CheckpointException if it failed
     */
    public synchronized void await() {
        if (inFlight == null) {
            return;
        }
        Future<?> pending = inFlight;
        inFlight = null;
        boolean interrupted = false;
        while (true) {
            try {
                pending.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TensorFileException c) {
                    throw new CheckpointException(c.getMessage(), c);
                }
                throw new CheckpointException(
                        "a background checkpoint save failed: " + cause, cause);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the save in flight, then stops the thread; a failure is thrown. */
    @Override
    public void close() {
        try {
            await();
        } finally {
            executor.shutdown();
        }
    }
}
