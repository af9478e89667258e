package dev.kiln.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Batches of rows of a {@link HostTable}, drawn by a {@link TrainingSampler} and gathered ahead of
 * time on a background thread.
 *
 * <p>A daemon thread fills direct buffers a few batches ahead into a bounded queue; {@link #next}
 * on the training thread only puts one buffer into two arrays, features of shape (batch,
 * featureCount) and labels of shape (batch), both float32, with one native call each. The arrays
 * are reused ({@link #SLOTS} pairs take turns) and lent to the caller's manager until it is closed,
 * as a trainer does after each step; a caller that keeps more batches' managers open gets new
 * arrays instead. Arrays are never created on the background thread (MXNet does not allow
 * it). {@link #state()} reports the position of the next batch the trainer will get, not that of
 * the prefetcher that runs ahead. An exception on the background thread is thrown by the {@link
 * #next} call that would have returned the failed batch, and by every call after it until {@link
 * #loadState}.
 */
public final class SampledBatchSource implements BatchSource {

    /** How many pairs of batch arrays take turns, lent to the caller's manager of each step. */
    public static final int SLOTS = 2;

    /** How many batches are prepared ahead unless told otherwise. */
    public static final int DEFAULT_PREFETCH = 8;

    private static final Logger LOG = LoggerFactory.getLogger(SampledBatchSource.class);
    private static final long STOP_TIMEOUT_MS = 30_000;

    private final HostTable table;
    private final TrainingSampler sampler;
    private final int batchSize;
    private final int featureCount;
    private final BlockingQueue<HostBatch> ready;
    private final int lowWater;
    private final Object refillSignal = new Object();

    // Below: used by the training thread only; the worker owns the sampler while it runs.
    private SamplerPosition nextPosition;
    private NDManager slotOwner;
    private NDArray[][] slots;
    private final HostBatch[] slotBatches = new HostBatch[SLOTS];
    private final BlockingQueue<HostBatch> spare = new LinkedBlockingQueue<>();
    private int nextSlot;
    private Thread worker;
    private Throwable failure;
    private boolean closed;

    /**
     * Creates a source that prefetches {@link #DEFAULT_PREFETCH} batches and starts its thread.
     *
     * @param table the rows
     * @param sampler the index stream; this source owns it from now on
     * @param batchSize rows per batch
     */
    public SampledBatchSource(HostTable table, TrainingSampler sampler, int batchSize) {
        this(table, sampler, batchSize, DEFAULT_PREFETCH);
    }

    /**
     * Creates a source and starts its thread.
     *
     * @param table the rows
     * @param sampler the index stream, over exactly the table's rows; this source owns it from
     *     now on
     * @param batchSize rows per batch
     * @param prefetch how many batches to prepare ahead, at least 1
     */
    public SampledBatchSource(
            HostTable table, TrainingSampler sampler, int batchSize, int prefetch) {
        if (sampler.size() != table.rowCount()) {
            throw new IllegalArgumentException(
                    "sampler covers " + sampler.size() + " rows but the table has "
                            + table.rowCount());
        }
        if (batchSize < 1 || prefetch < 1) {
            throw new IllegalArgumentException(
                    "batch size and prefetch must be at least 1, got " + batchSize + " and "
                            + prefetch);
        }
        this.table = table;
        this.sampler = sampler;
        this.batchSize = batchSize;
        this.featureCount = table.featureCount();
        this.ready = new ArrayBlockingQueue<>(prefetch);
        this.lowWater = prefetch / 2;
        this.nextPosition = sampler.position();
        startWorker();
    }

    /**
     * Creates a batch source over any DJL dataset: a prefetching {@link SampledBatchSource} when
     * the dataset is a {@link HostTable} (such as {@link CsvDataset}), otherwise a {@link
     * DatasetBatchSource} that reads records on the training thread.
     *
     * @param dataset the dataset
     * @param sampler the index stream over the dataset's records
     * @param batchSize records per batch
     * @return the batch source
     */
    public static BatchSource forDataset(
            RandomAccessDataset dataset, TrainingSampler sampler, int batchSize) {
        if (dataset instanceof HostTable table) {
            return new SampledBatchSource(table, sampler, batchSize);
        }
        return new DatasetBatchSource(dataset, sampler, batchSize);
    }

    /**
     * Returns the number of rows in each batch.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    @Override
    public TrainingBatch next(NDManager manager) {
        ensureOpen();
        if (failure != null) {
            throw failed(failure);
        }
        HostBatch batch = takeReady();
        if (ready.size() <= lowWater) {
            synchronized (refillSignal) {
                refillSignal.notifyAll();
            }
        }
        if (batch.failure != null) {
            failure = batch.failure;
            throw failed(failure);
        }
        int slotIndex = nextSlot;
        NDArray[] slot = nextSlot(manager);
        nextPosition = batch.after;
        if (slot[0].getManager() != slotOwner || slot[1].getManager() != slotOwner) {
            // Still lent out (the caller keeps earlier batches' manager open): new arrays.
            return new TrainingBatch(
                    new NDList(
                            manager.create(
                                    batch.features,
                                    new Shape(batchSize, featureCount),
                                    DataType.FLOAT32)),
                    new NDList(
                            manager.create(batch.labels, new Shape(batchSize), DataType.FLOAT32)));
        }
        // One native call per array: PyTorch takes the direct buffer as the array's storage,
        // MXNet copies from it without staging.
        slot[0].set(batch.features);
        slot[1].set(batch.labels);
        // The slot's previous buffers are free now (PyTorch let go of them in set): the gathering
        // thread refills them, so batches reuse a little memory that stays in the caches.
        HostBatch previous = slotBatches[slotIndex];
        slotBatches[slotIndex] = batch;
        if (previous != null) {
            spare.offer(previous);
        }
        // Lent to the caller's manager: what the step computes from them is freed with it, and
        // the arrays come back here when it closes.
        slot[0].tempAttach(manager);
        slot[1].tempAttach(manager);
        return new TrainingBatch(new NDList(slot[0]), new NDList(slot[1]));
    }

    /**
     * The next of the {@value #SLOTS} pairs of batch arrays, made on first use on the caller's
     * engine and device, so a step costs no array allocation or release.
     */
    private NDArray[] nextSlot(NDManager manager) {
        if (slotOwner == null) {
            slotOwner = manager.getEngine().newBaseManager(manager.getDevice());
            slots = new NDArray[SLOTS][];
            for (int i = 0; i < SLOTS; i++) {
                slots[i] =
                        new NDArray[] {
                            slotOwner.zeros(new Shape(batchSize, featureCount), DataType.FLOAT32),
                            slotOwner.zeros(new Shape(batchSize), DataType.FLOAT32)
                        };
            }
        }
        NDArray[] slot = slots[nextSlot];
        nextSlot = (nextSlot + 1) % SLOTS;
        return slot;
    }

    @Override
    public Map<String, Object> state() {
        return nextPosition.toState(Map.of("datasetSize", sampler.size()));
    }

    @Override
    public void loadState(Map<String, Object> state) {
        ensureOpen();
        SamplerPosition position = SamplerPosition.fromState(state);
        checkDatasetSize(state, sampler.size());
        stopWorker();
        ready.clear();
        failure = null;
        sampler.seek(position);
        nextPosition = sampler.position();
        startWorker();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopWorker();
        ready.clear();
        if (slotOwner != null) {
            slotOwner.close();
        }
    }

    /**
     * Tells whether the background thread is running (for tests and diagnostics).
     *
     * @return true while the prefetch thread is alive
     */
    public boolean isPrefetching() {
        return worker != null && worker.isAlive();
    }

    static void checkDatasetSize(Map<String, Object> state, int size) {
        if (state.containsKey("datasetSize")) {
            long saved = SamplerPosition.wholeNumber(state, "datasetSize");
            if (saved != size) {
                throw new IllegalArgumentException(
                        "saved batch source state is for a dataset of " + saved
                                + " rows, but this one has " + size);
            }
        }
    }

    private HostBatch takeReady() {
        try {
            while (true) {
                HostBatch batch = ready.poll(1, TimeUnit.SECONDS);
                if (batch != null) {
                    return batch;
                }
                if (!worker.isAlive() && ready.isEmpty()) {
                    throw new IllegalStateException("the batch prefetch thread has stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
    }

    private void produce() {
        try {
            float[] row = new float[featureCount];
            while (!Thread.currentThread().isInterrupted()) {
                // Buffers a slot has given back, else new ones (a batch handed out in arrays of
                // the caller's own keeps its buffers, which such an array may still use).
                HostBatch batch = spare.poll();
                if (batch == null) {
                    batch =
                            new HostBatch(
                                    directFloats(batchSize * featureCount),
                                    directFloats(batchSize));
                }
                batch.features.clear();
                batch.labels.clear();
                FloatBuffer features = batch.features.asFloatBuffer();
                FloatBuffer labels = batch.labels.asFloatBuffer();
                for (int i = 0; i < batchSize; i++) {
                    int index = sampler.nextIndex();
                    table.copyFeatures(index, row, 0);
                    features.put(row);
                    labels.put(table.label(index));
                }
                batch.after = sampler.position();
                ready.put(batch);
                if (ready.remainingCapacity() == 0) {
                    awaitRefill();
                }
            }
        } catch (InterruptedException e) {
            // Asked to stop.
        } catch (Throwable t) { // NOPMD: any failure must reach the training thread
            HostBatch failed = new HostBatch(null, null);
            failed.failure = t;
            try {
                ready.put(failed);
            } catch (InterruptedException e) {
                // Asked to stop; nobody is waiting for the failure.
            }
        }
    }

    /**
     * Sleeps until the queue is down to its low-water mark, so the thread wakes once per several
     * batches rather than once per batch and competes less with the engine's threads.
     */
    private void awaitRefill() throws InterruptedException {
        synchronized (refillSignal) {
            while (ready.size() > lowWater) {
                refillSignal.wait();
            }
        }
    }

    private void startWorker() {
        worker = new Thread(this::produce, "kiln-batch-prefetch");
        worker.setDaemon(true);
        worker.start();
    }

    private void stopWorker() {
        if (worker == null) {
            return;
        }
        worker.interrupt();
        try {
            worker.join(STOP_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warn("batch prefetch thread did not stop within {} ms", STOP_TIMEOUT_MS);
            throw new IllegalStateException("the batch prefetch thread did not stop");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("batch source is closed");
        }
    }

    private static IllegalStateException failed(Throwable cause) {
        return new IllegalStateException("loading a batch failed: " + cause, cause);
    }

    private static ByteBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    /** Gathered rows of one batch, or the failure that stopped the gathering. */
    private static final class HostBatch {
        final ByteBuffer features;
        final ByteBuffer labels;
        SamplerPosition after;
        Throwable failure;

        HostBatch(ByteBuffer features, ByteBuffer labels) {
            this.features = features;
            this.labels = labels;
        }
    }
}
