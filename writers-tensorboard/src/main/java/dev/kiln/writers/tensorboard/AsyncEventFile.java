package dev.kiln.writers.tensorboard;

import dev.kiln.writers.tensorboard.proto.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * An {@link EventFile} written by one background thread: the caller hands over batches of events
 * to build and write through a bounded queue (blocking only while the queue is full), each batch
 * followed by a flush. The first failure of the background thread is rethrown to the caller by
 * the next {@link #submit}, {@link #flush} or {@link #close}.
 */
final class AsyncEventFile implements AutoCloseable {

    /** Work for the background thread. */
    private sealed interface Task permits Batch, Barrier, Stop {}

    private record Batch(Supplier<List<Event>> events) implements Task {}

    private record Barrier(CountDownLatch done) implements Task {}

    private record Stop() implements Task {}

    private final EventFile file;
    private final BlockingQueue<Task> queue;
    private final Thread thread;
    private volatile IOException failure;
    private boolean closed;

    private AsyncEventFile(EventFile file, int capacity) {
        this.file = file;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "kiln-tensorboard-" + file.path().getFileName());
        thread.setDaemon(true);
    }

    /**
     * Creates a new event file (on the calling thread, so a directory that cannot be written is
     * reported at once) and starts its background thread.
     *
     * @param dir the directory
     * @param capacity how many batches may wait before {@link #submit} blocks
     * @param wallTime seconds since the epoch for the first event
     * @return the open file
     */
    static AsyncEventFile open(Path dir, int capacity, double wallTime) {
        EventFile file;
        try {
            file = EventFile.create(dir, wallTime);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a TensorBoard event file in " + dir + ": " + e.getMessage(), e);
        }
        AsyncEventFile async = new AsyncEventFile(file, capacity);
        async.thread.start();
        return async;
    }

    /** @return the event file */
    Path path() {
        return file.path();
    }

    /**
     * Queues events to be built and written, then flushed, on the background thread.
     *
     * @param events builds the events; runs on the background thread
     */
    void submit(Supplier<List<Event>> events) {
        put(new Batch(events));
    }

    /** Waits until everything submitted before is written and flushed. */
    void flush() {
        CountDownLatch done = new CountDownLatch(1);
        put(new Barrier(done));
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while flushing " + file.path(), e);
        }
        rethrow();
    }

    /** Writes what is queued, closes the file and stops the thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        put(new Stop());
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    private void put(Task task) {
        rethrow();
        if (closed && !(task instanceof Stop)) {
            throw new IllegalStateException(file.path() + " is closed");
        }
        try {
            queue.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing for " + file.path(), e);
        }
    }

    private void rethrow() {
        IOException e = failure;
        if (e != null) {
            throw new UncheckedIOException(
                    "writing " + file.path() + " failed: " + e.getMessage(), e);
        }
    }

    /** The background thread: runs the tasks in order until {@link Stop}. */
    private void run() {
        while (true) {
            Task task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                // nothing interrupts this thread on purpose: serve until told to stop
                continue;
            }
            if (task instanceof Batch batch) {
                if (failure == null) {
                    try {
                        for (Event event : batch.events().get()) {
                            file.write(event);
                        }
                        file.flush();
                    } catch (IOException e) {
                        failure = e;
                    } catch (RuntimeException e) {
                        failure = new IOException("building events failed: " + e, e);
                    }
                }
            } else if (task instanceof Barrier barrier) {
                barrier.done().countDown();
            } else {
                try {
                    file.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                return;
            }
        }
    }
}
