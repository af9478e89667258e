package dev.kiln.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import dev.kiln.data.BatchSource;
import dev.kiln.data.HostTable;
import dev.kiln.data.TrainingBatch;
import dev.kiln.runtime.Seeds;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches of rows of a {@link HostTable}, drawn by a {@link TrainingSampler} and gathered ahead of
 * time on background threads.
 *
 * <p>Batches live in a pool of slots, each a pair of direct buffers (features of shape (batch,
 * exampleShape...) and labels of shape (batch) or (batch, labelCount), float32) with a pair of arrays made for them on the
 * training thread at first use (arrays are never created on the background thread: MXNet does
 * not allow it). A daemon thread fills free slots some batches ahead: by default as many as fit
 * in {@link #DEFAULT_PREFETCH_BYTES}, between {@link #MIN_DEFAULT_PREFETCH} and {@link
 * #MAX_DEFAULT_PREFETCH}. Where the engine's arrays can use a direct buffer as their memory
 * (PyTorch on the CPU), a slot's arrays are bound to its buffers once; otherwise (MXNet) the
 * background thread copies the buffers into the slot's arrays once it has filled them. Either way {@link #next} makes no
 * native call after the first pass over the pool. (MXNet's copy waits until the engine has run
 * every operation queued before it, the last step's backward pass and update included; on the
 * training thread that wait would stop it from queueing the next step meanwhile.)
 *
 * <p>A slot's arrays are lent to the caller's manager and come back when it is closed, as a
 * trainer does after each step; only then is the slot filled again. The gathering thread is
 * handed returned slots half a queue at a time, so it wakes once per many batches and competes
 * little with the engine's threads (on a small machine, waking it every step costs a few per
 * cent of a small model's step time). A caller that keeps steps' managers open makes the
 * pool grow by a slot per batch it holds. {@link #state()} reports the position of the next batch
 * the caller will get, not that of the prefetcher that runs ahead. An exception on the background
 * thread is thrown by the {@link #next} call that would have returned the failed batch, and by
 * every call after it until {@link #loadState}.
 *
 * <p>A batch is gathered by up to {@code workers} threads at once: the gathering thread splits it
 * into contiguous runs of rows and copies one run itself while pool threads copy the others, each
 * into its own part of the slot's buffers, so the rows stay in sampling order whatever the number
 * of threads. This is what lets an image dataset decode and augment on every core. A batch of
 * fewer than {@link #PARALLEL_MIN_VALUES} values is gathered by one thread: handing work to
 * another costs more than copying it. A randomized table ({@link HostTable#isRandomized}) gets,
 * for each row, the seed {@link Seeds#forExample}{@code (augmentSeed, epoch, row)}, so the
 * augmented values depend on neither the thread nor the timing, and a resumed run sees those of
 * the uninterrupted one.
 *
 * <p>Built for one of several processes, the source draws every batch whole from the sampler, as
 * each process does, and gathers only its own share of the rows (see {@link
 * BatchSource#shares()}): so the processes together decode and augment each row once.
 */
public final class SampledBatchSource implements BatchSource {

    /** How much memory the prepared batches take at most unless told otherwise. */
    public static final long DEFAULT_PREFETCH_BYTES = 8L << 20;

    /** The fewest batches prepared ahead unless told otherwise, however large they are. */
    public static final int MIN_DEFAULT_PREFETCH = 2;

    /** The most batches prepared ahead unless told otherwise, however small they are. */
    public static final int MAX_DEFAULT_PREFETCH = 64;

    /** The fewest feature values in a batch for it to be gathered by several threads. */
    public static final int PARALLEL_MIN_VALUES = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(SampledBatchSource.class);
    private static final long STOP_TIMEOUT_MS = 30_000;

    private final HostTable table;
    private final TrainingSampler sampler;
    private final int batchSize;
    private final int drawn;
    private final int firstRow;
    private final int shares;
    private final int featureCount;
    private final int labelCount;
    private final Shape featureShape;
    private final Shape labelShape;
    private final int prefetch;
    private final int workers;
    private final long augmentSeed;
    private final boolean randomized;
    private final ExecutorService pool;
    private final int handBack;

    /** Slots the gathering thread may fill. */
    private final BlockingQueue<Slot> free = new LinkedBlockingQueue<>();

    /** Filled slots, in sampling order. */
    private final BlockingQueue<Slot> ready = new LinkedBlockingQueue<>();

    // Below: used by the training thread only; the worker owns the sampler while it runs.
    private final List<Slot> lent = new ArrayList<>();
    private final List<Slot> returned = new ArrayList<>();
    private SamplerPosition nextPosition;
    private NDManager slotOwner;

    /**
     * Whether slots' arrays use their buffers as memory. Set before the first slot has arrays;
     * the worker reads it only for slots with arrays, which reached it through {@link #free}.
     */
    private boolean buffersBound;

    /** Slots handed to the gathering thread and not yet filled. */
    private final AtomicInteger unfilled = new AtomicInteger();

    private Thread worker;
    private Throwable failure;
    private boolean closed;

    /**
     * Creates a source that prefetches {@link #defaultPrefetch} batches and starts its thread.
     *
     * @param table the rows
     * @param sampler the index stream; this source owns it from now on
     * @param batchSize rows per batch
     */
    public SampledBatchSource(HostTable table, TrainingSampler sampler, int batchSize) {
        this(
                table,
                sampler,
                batchSize,
                defaultPrefetch(batchSize, table.featureCount()),
                1,
                sampler.seed());
    }

    /**
     * Returns how many batches are prepared ahead unless told otherwise: as many as fit in {@link
     * #DEFAULT_PREFETCH_BYTES}, between {@link #MIN_DEFAULT_PREFETCH} and {@link
     * #MAX_DEFAULT_PREFETCH}.
     *
     * @param batchSize rows per batch
     * @param featureCount features per row
     * @return the number of batches
     */
    public static int defaultPrefetch(int batchSize, int featureCount) {
        long batchBytes = (long) batchSize * (featureCount + 1) * Float.BYTES;
        long fit = DEFAULT_PREFETCH_BYTES / Math.max(1, batchBytes);
        return (int) Math.max(MIN_DEFAULT_PREFETCH, Math.min(MAX_DEFAULT_PREFETCH, fit));
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
        this(table, sampler, batchSize, prefetch, 1, sampler.seed());
    }

    /**
     * Creates a source and starts its threads.
     *
     * @param table the rows
     * @param sampler the index stream, over exactly the table's rows; this source owns it from
     *     now on
     * @param batchSize rows per batch
     * @param prefetch how many batches to prepare ahead, at least 1
     * @param workers how many threads gather one batch, at least 1 (the gathering thread and
     *     {@code workers - 1} pool threads)
     * @param augmentSeed the seed from which each row's seed in each epoch is derived, for a
     *     randomized table
     */
    public SampledBatchSource(
            HostTable table,
            TrainingSampler sampler,
            int batchSize,
            int prefetch,
            int workers,
            long augmentSeed) {
        this(table, sampler, batchSize, prefetch, workers, augmentSeed, 0, 1);
    }

    /**
     * Creates a source for one of several processes and starts its threads: it draws batches of
     * {@code drawnBatchSize} rows, the same on every process, and gathers only share {@code
     * share} of each, its {@code drawnBatchSize / shares} contiguous rows (see {@link
     * BatchSource#shares()}).
     *
     * @param table the rows
     * @param sampler the index stream, over exactly the table's rows; this source owns it from
     *     now on
     * @param drawnBatchSize rows per drawn batch, a multiple of {@code shares}
     * @param prefetch how many batches to prepare ahead, at least 1
     * @param workers how many threads gather one batch, at least 1
     * @param augmentSeed the seed from which each row's seed in each epoch is derived, for a
     *     randomized table
     * @param share which share this source gathers, {@code 0 <= share < shares}
     * @param shares into how many shares each drawn batch is cut, at least 1
     */
    public SampledBatchSource(
            HostTable table,
            TrainingSampler sampler,
            int drawnBatchSize,
            int prefetch,
            int workers,
            long augmentSeed,
            int share,
            int shares) {
        if (shares < 1 || share < 0 || share >= shares || drawnBatchSize % shares != 0) {
            throw new IllegalArgumentException(
                    "cannot cut batches of "
                            + drawnBatchSize
                            + " rows into "
                            + shares
                            + " equal shares and take share "
                            + share);
        }
        int batchSize = drawnBatchSize / shares;
        this.drawn = drawnBatchSize;
        this.firstRow = share * batchSize;
        this.shares = shares;
        if (sampler.size() != table.rowCount()) {
            throw new IllegalArgumentException(
                    "sampler covers "
                            + sampler.size()
                            + " rows but the table has "
                            + table.rowCount());
        }
        if (batchSize < 1 || prefetch < 1 || workers < 1) {
            throw new IllegalArgumentException(
                    "batch size, prefetch and workers must be at least 1, got "
                            + batchSize
                            + ", "
                            + prefetch
                            + " and "
                            + workers);
        }
        this.table = table;
        this.sampler = sampler;
        this.batchSize = batchSize;
        this.featureCount = table.featureCount();
        this.labelCount = table.labelCount();
        this.featureShape = new Shape(batchSize).addAll(table.exampleShape());
        if (featureShape.size() != (long) batchSize * featureCount) {
            throw new IllegalArgumentException(
                    "the table's example shape "
                            + table.exampleShape()
                            + " does not hold its "
                            + featureCount
                            + " features");
        }
        this.labelShape = labelCount == 1 ? new Shape(batchSize) : new Shape(batchSize, labelCount);
        this.prefetch = prefetch;
        this.augmentSeed = augmentSeed;
        this.randomized = table.isRandomized();
        boolean parallel = workers > 1 && (long) batchSize * featureCount >= PARALLEL_MIN_VALUES;
        this.workers = parallel ? Math.min(workers, batchSize) : 1;
        this.pool = this.workers > 1 ? newPool(this.workers - 1) : null;
        this.handBack = Math.max(1, prefetch / 2);
        // One slot more than the prefetch: the one lent to the current step.
        for (int i = 0; i <= prefetch; i++) {
            free.add(newSlot());
        }
        unfilled.set(free.size());
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
     * @param workers threads that gather a batch of a {@link HostTable}, at least 1
     * @param augmentSeed the seed of a randomized table's per-row seeds
     * @return the batch source
     */
    public static BatchSource forDataset(
            RandomAccessDataset dataset,
            TrainingSampler sampler,
            int batchSize,
            int workers,
            long augmentSeed) {
        if (dataset instanceof HostTable table) {
            return new SampledBatchSource(
                    table,
                    sampler,
                    batchSize,
                    defaultPrefetch(batchSize, table.featureCount()),
                    workers,
                    augmentSeed);
        }
        return new DatasetBatchSource(dataset, sampler, batchSize);
    }

    /**
     * Creates a batch source for one of several processes: over a {@link HostTable}, a {@link
     * SampledBatchSource} that gathers only share {@code share} of {@code shares} of each drawn
     * batch; over any other dataset, a {@link DatasetBatchSource} of whole batches (its {@link
     * BatchSource#shares()} is 1, and the trainer cuts out its share).
     *
     * @param dataset the dataset
     * @param sampler the index stream over the dataset's records
     * @param batchSize records per drawn batch, a multiple of {@code shares}
     * @param workers threads that gather a batch of a {@link HostTable}, at least 1
     * @param augmentSeed the seed of a randomized table's per-row seeds
     * @param share this process's share, {@code 0 <= share < shares}
     * @param shares the number of processes
     * @return the batch source
     */
    public static BatchSource forDataset(
            RandomAccessDataset dataset,
            TrainingSampler sampler,
            int batchSize,
            int workers,
            long augmentSeed,
            int share,
            int shares) {
        if (shares == 1 || !(dataset instanceof HostTable table)) {
            return forDataset(dataset, sampler, batchSize, workers, augmentSeed);
        }
        int rows = batchSize / Math.max(1, shares);
        return new SampledBatchSource(
                table,
                sampler,
                batchSize,
                defaultPrefetch(rows, table.featureCount()),
                workers,
                augmentSeed,
                share,
                shares);
    }

    /**
     * Returns how many threads gather one batch: 1 for batches too small to share out.
     *
     * @return the number of gathering threads
     */
    public int workers() {
        return workers;
    }

    /**
     * Returns the number of rows in each batch {@link #next} returns: those of a drawn batch
     * divided by {@link #shares()}.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int shares() {
        return shares;
    }

    /**
     * Returns how many batches are prepared ahead.
     *
     * @return the prefetch depth
     */
    public int prefetch() {
        return prefetch;
    }

    @Override
    public TrainingBatch next(NDManager manager) {
        ensureOpen();
        if (failure != null) {
            throw failed(failure);
        }
        collectReturned();
        Slot slot = takeReady();
        if (slot.failure != null) {
            failure = slot.failure;
            slot.failure = null;
            returned.add(slot);
            throw failed(failure);
        }
        nextPosition = slot.after;
        if (slot.features == null) {
            makeArrays(slot, manager);
        }
        // Lent to the caller's manager: what the step computes from them is freed with it, and
        // the arrays come back here when it closes.
        slot.features.tempAttach(manager);
        slot.labels.tempAttach(manager);
        lent.add(slot);
        return new TrainingBatch(new NDList(slot.features), new NDList(slot.labels));
    }

    /**
     * Moves the lent slots whose arrays have come back to the returned ones, and hands those to
     * the gathering thread once there are enough to be worth waking it. A slot found still out
     * (its caller keeps that step open) is replaced by a new one, so the gathering never waits on
     * such a caller, and is let go when it comes back.
     */
    private void collectReturned() {
        for (Iterator<Slot> it = lent.iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            boolean back =
                    slot.features.getManager() == slotOwner
                            && slot.labels.getManager() == slotOwner;
            if (back) {
                it.remove();
                if (slot.replaced) {
                    slot.features.close();
                    slot.labels.close();
                } else {
                    returned.add(slot);
                }
            } else if (!slot.replaced) {
                slot.replaced = true;
                returned.add(newSlot());
            }
        }
        if (returned.size() >= handBack || ready.isEmpty()) {
            unfilled.addAndGet(returned.size());
            free.addAll(returned);
            returned.clear();
        }
    }

    /**
     * Makes a slot's arrays on the caller's engine and device. The first time, finds out whether
     * this engine's arrays can use a direct buffer as their memory: then every slot's arrays are
     * bound to its buffers once and a batch costs no copy.
     */
    private void makeArrays(Slot slot, NDManager manager) {
        if (slotOwner == null) {
            slotOwner = manager.getEngine().newBaseManager(manager.getDevice());
            buffersBound = setBindsBuffer(slotOwner);
        }
        slot.features = slotOwner.zeros(featureShape, DataType.FLOAT32);
        slot.labels = slotOwner.zeros(labelShape, DataType.FLOAT32);
        slot.features.set(slot.featureBuffer);
        slot.labels.set(slot.labelBuffer);
    }

    /**
     * Tells whether {@link NDArray#set} with a direct buffer makes the array use the buffer's
     * memory (so later writes into the buffer show in the array) rather than copy it.
     */
    private static boolean setBindsBuffer(NDManager manager) {
        ByteBuffer buffer = directFloats(2);
        try (NDArray probe = manager.zeros(new Shape(2), DataType.FLOAT32)) {
            probe.set(buffer);
            for (float marker : new float[] {1.5f, -2.25f}) {
                buffer.putFloat(Float.BYTES, marker);
                if (probe.getFloat(1) != marker) {
                    return false;
                }
            }
            return true;
        }
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
        for (Slot slot : ready) {
            slot.failure = null;
        }
        ready.drainTo(free);
        unfilled.set(free.size());
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
        if (pool != null) {
            pool.shutdownNow();
        }
        ready.clear();
        free.clear();
        if (slotOwner != null) {
            slotOwner.close();
        }
    }

    /**
     * Waits until the gathering threads have filled every slot handed to them, so that no
     * gathering work is left running: for a benchmark that must charge a round with the decoding
     * of the batches it took.
     *
     * @param timeout how long to wait at most
     * @throws IllegalStateException if the gathering is still busy after the timeout
     */
    public void awaitIdle(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (unfilled.get() > 0 && worker.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the batch gathering did not finish in " + timeout);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
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
                        "saved batch source state is for a dataset of "
                                + saved
                                + " rows, but this one has "
                                + size);
            }
        }
    }

    private Slot takeReady() {
        try {
            while (true) {
                Slot slot = ready.poll(1, TimeUnit.SECONDS);
                if (slot != null) {
                    return slot;
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
        int[] rows = new int[batchSize];
        long[] seeds = new long[batchSize];
        while (!Thread.currentThread().isInterrupted()) {
            Slot slot;
            try {
                slot = free.take();
            } catch (InterruptedException e) {
                return; // Asked to stop.
            }
            try {
                for (int i = 0; i < drawn; i++) {
                    int row = sampler.nextIndex();
                    int j = i - firstRow;
                    if (j >= 0 && j < batchSize) {
                        rows[j] = row;
                        seeds[j] =
                                randomized
                                        ? Seeds.forExample(augmentSeed, sampler.epoch(), row)
                                        : 0;
                    }
                }
                slot.after = sampler.position();
                gather(slot, rows, seeds);
                if (slot.features != null && !buffersBound) {
                    // Copying can wait on the engine (MXNet first waits until every queued
                    // operation is done); here it does not hold up the training thread. A slot
                    // without arrays yet gets them, filled, from makeArrays.
                    slot.features.set(slot.featureBuffer);
                    slot.labels.set(slot.labelBuffer);
                }
            } catch (InterruptedException e) {
                free.add(slot); // Asked to stop while the pool gathered: the slot is unfilled.
                return;
            } catch (Throwable t) { // NOPMD: any failure must reach the training thread
                slot.failure = t instanceof ExecutionException ? t.getCause() : t;
                ready.add(slot);
                unfilled.decrementAndGet();
                return;
            }
            ready.add(slot);
            unfilled.decrementAndGet();
        }
    }

    /**
     * Copies the batch's rows into the slot's buffers: the rows split into {@link #workers}
     * contiguous runs, the first copied here and the others by the pool.
     */
    private void gather(Slot slot, int[] rows, long[] seeds)
            throws InterruptedException, ExecutionException {
        if (pool == null) {
            copyRows(slot, rows, seeds, 0, batchSize);
            return;
        }
        List<Future<?>> parts = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            int from = batchSize * w / workers;
            int to = batchSize * (w + 1) / workers;
            parts.add(pool.submit(() -> copyRows(slot, rows, seeds, from, to)));
        }
        try {
            copyRows(slot, rows, seeds, 0, batchSize / workers);
        } finally {
            awaitAll(parts);
        }
    }

    /**
     * Waits until every part has finished, even when interrupted (a part still running would
     * write into a slot that may be handed out again), then reports the interruption or the
     * first part's failure.
     */
    private static void awaitAll(List<Future<?>> parts)
            throws InterruptedException, ExecutionException {
        boolean interrupted = false;
        ExecutionException failure = null;
        for (Future<?> part : parts) {
            while (true) {
                try {
                    part.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failure = failure == null ? e : failure;
                    break;
                }
            }
        }
        if (interrupted) {
            throw new InterruptedException();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Copies the rows at positions {@code [from, to)} of the batch into the slot's buffers. */
    private void copyRows(Slot slot, int[] rows, long[] seeds, int from, int to) {
        float[] features = new float[featureCount];
        float[] labels = new float[labelCount];
        FloatBuffer featureOut = slot.featureBuffer.asFloatBuffer();
        FloatBuffer labelOut = slot.labelBuffer.asFloatBuffer();
        for (int i = from; i < to; i++) {
            table.copyFeatures(rows[i], seeds[i], features, 0);
            table.copyLabels(rows[i], labels, 0);
            featureOut.put(i * featureCount, features);
            labelOut.put(i * labelCount, labels);
        }
    }

    private static ExecutorService newPool(int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(
                threads,
                task -> {
                    Thread thread =
                            new Thread(task, "kiln-batch-worker-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    private Slot newSlot() {
        return new Slot(batchSize * featureCount, batchSize * labelCount);
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
        String what = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return new IllegalStateException("loading a batch failed: " + what, cause);
    }

    private static ByteBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    /**
     * One batch's place: buffers the gathering thread fills, the arrays the caller gets (made on
     * first use), the sampler's position after the batch, or the failure that stopped the
     * gathering.
     */
    private static final class Slot {
        final ByteBuffer featureBuffer;
        final ByteBuffer labelBuffer;
        NDArray features;
        NDArray labels;
        SamplerPosition after;
        Throwable failure;
        boolean replaced;

        Slot(int featureFloats, int labelFloats) {
            featureBuffer = directFloats(featureFloats);
            labelBuffer = directFloats(labelFloats);
        }
    }
}
