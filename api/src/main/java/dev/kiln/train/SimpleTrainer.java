package dev.kiln.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import dev.kiln.data.BatchSource;
import dev.kiln.data.TrainingBatch;
import dev.kiln.events.EventStorage;
import dev.kiln.optim.GradientClipper;
import dev.kiln.optim.StatefulOptimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer for the common case: one model, one loss made of named terms, one optimizer, one
 * source of batches. Each step fetches a batch (timed on the trainer's clock, {@link #nanoTime()},
 * as {@code data_time}: the {@link BatchSource#next} call alone, in seconds), runs forward and
 * backward, calls the hooks' {@code afterBackward}, clips gradients, updates the parameters, and
 * records {@code total_loss}, each term when there are several, and {@code lr}. A non-finite loss
 * stops training with a {@link NonFiniteLossException} before the parameters are touched.
 *
 * <p>With {@link #setAccumulateSteps accumulation} over K micro-batches, each step still fetches
 * one batch, splits it into K equal parts along axis 0, runs forward and backward on each in turn
 * and updates the parameters once with the summed gradients.
 *
 * <p>With {@link #setReplicas replicas} on further devices, each step splits its batch into one
 * slice per device, runs forward and backward on each, sums the gradients into the model's with a
 * {@link GradientReducer} and updates the model once, then copies its weights to the replicas:
 * the same update as accumulating over that many micro-batches.
 *
 * <p>As one of several processes ({@link #setRank}), each step trains on this process's share of
 * the global batch: the trainer cuts it from the whole batch, or the source gathers only that
 * share when it was built for this rank ({@link BatchSource#shares()}); the processes' gradients
 * are then summed by the {@link GradientReducer}.
 *
 * <p>Every array of a step lives in a sub-manager closed at the end of the step, so memory stays
 * flat. The learning rate is whatever the optimizer holds; a scheduling hook sets it before each
 * step from the iteration.
 */
public class SimpleTrainer extends TrainerBase {

    private static final Logger LOG = LoggerFactory.getLogger(SimpleTrainer.class);
    private static final NDIndex ALL = new NDIndex("...");

    private final Block model;
    private final NDManager manager;
    private final LossFunction loss;
    private final StatefulOptimizer optimizer;
    private final BatchSource data;
    private final ParameterList parameters;
    private GradientClipper clipper = GradientClipper.none();
    private int accumulateSteps = 1;
    private final Replica self;
    private List<Replica> replicas = List.of();
    private ReplicaExecution execution = ReplicaExecution.inTurn();
    private GradientReducer reducer = GradientReducer.sumInOrder();
    private volatile String proposedStop;
    private volatile String agreedStop;
    private ExecutorService pool;
    private ThreadLocal<Boolean> preparedThreads;
    private boolean replicasInSync;

    /**
     * Creates a trainer timed by {@link System#nanoTime()}. The model must be initialized.
     *
     * @param model the model
     * @param manager the manager the model's parameters live in; each step works in a child of it
     * @param loss the loss
     * @param optimizer the optimizer
     * @param data the batches
     */
    public SimpleTrainer(
            Block model,
            NDManager manager,
            LossFunction loss,
            StatefulOptimizer optimizer,
            BatchSource data) {
        this(model, manager, loss, optimizer, data, System::nanoTime);
    }

    /**
     * Creates a trainer timed by the given clock (a test's or a simulation's): its steps, its
     * {@code data_time} and every hook that reads {@link #nanoTime()}. The model must be
     * initialized.
     *
     * @param model the model
     * @param manager the manager the model's parameters live in; each step works in a child of it
     * @param loss the loss
     * @param optimizer the optimizer
     * @param data the batches
     * @param clock nanoseconds from an arbitrary origin
     */
    public SimpleTrainer(
            Block model,
            NDManager manager,
            LossFunction loss,
            StatefulOptimizer optimizer,
            BatchSource data,
            LongSupplier clock) {
        super(clock);
        if (!model.isInitialized()) {
            throw new IllegalArgumentException("the model must be initialized before training");
        }
        this.model = model;
        this.manager = manager;
        this.loss = loss;
        this.optimizer = optimizer;
        this.data = data;
        this.self = new Replica(model, manager);
        this.parameters = model.getParameters();
    }

    /**
     * Sets how gradients are clipped after {@code afterBackward} and before the update.
     *
     * @param clipper the clipping; {@link GradientClipper#none()} by default
     */
    public void setGradientClipper(GradientClipper clipper) {
        this.clipper = clipper;
    }

    /**
     * Sets over how many micro-batches each step accumulates gradients before its one update, to
     * train with a batch larger than fits in memory at once.
     *
     * <p>With {@code steps} K above 1, the batch of each step (one {@link BatchSource#next} call,
     * so the source's position and a resumed run are as without accumulation) is split along
     * axis 0 of every data and label array into K micro-batches of equal size. Each runs forward,
     * the loss and backward, with its loss scaled by 1/K; the gradients are summed over the
     * micro-batches (by the trainer, the same way on every engine: after each backward but the
     * last, the gradients are added to a copy and zeroed, and the last backward's are added to
     * that sum), so that with a loss that is a mean over the examples the update is the one for
     * the whole batch, up to float rounding. Hooks see one iteration: {@code afterBackward} runs
     * once, after the last micro-batch, then clipping and the optimizer's step. {@code
     * total_loss} and each term are recorded as the mean over the micro-batches, the whole batch's
     * loss for a mean loss. A non-finite loss in any micro-batch stops training before the
     * parameters are touched, naming that micro-batch's terms.
     *
     * <p>Layers that use batch statistics, such as batch normalization, see each micro-batch on
     * its own: their statistics (and running averages, updated K times per step) are those of the
     * micro-batches, not of the whole batch.
     *
     * @param steps the number of micro-batches per step, at least 1 (the default: no splitting);
     *     every batch's size must be a multiple of it, or the step fails with an {@link
     *     IllegalStateException}
     * @throws IllegalArgumentException when {@code steps} is below 1
     */
    public void setAccumulateSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException(
                    "accumulate steps must be at least 1 but is " + steps);
        }
        this.accumulateSteps = steps;
    }

    /** @return the number of micro-batches per step, 1 without accumulation */
    public int accumulateSteps() {
        return accumulateSteps;
    }

    /**
     * Spreads each step over several devices of this process: the trainer's model (on the
     * manager's device) and these replicas, one per further device, each a copy of the model (see
     * {@link Replica}).
     *
     * <p>Each step still fetches one batch (so the data, the sampler and a resumed run are as on
     * one device), splits it along axis 0 of every data and label array into one equal slice per
     * worker (the model first, then the replicas in order), runs forward and backward on each
     * worker's slice with its loss scaled by 1/workers (and each slice over {@link
     * #setAccumulateSteps accumulate steps} micro-batches of its own, scaled by
     * 1/(workers x steps)), then combines the gradients into the model's with the {@link
     * #setGradientReducer reducer}, runs {@code afterBackward}, clips and takes one optimizer step
     * on the model's parameters, and copies the parameters that require a gradient into every
     * replica. So N workers compute what accumulating over N micro-batches computes, slice for
     * slice: with the default reducer the parameters are bitwise those of {@code
     * setAccumulateSteps(N)} on one device, provided the forward pass is deterministic (no
     * dropout, whose masks each replica draws on its own). {@code total_loss} and each term are
     * the mean over the slices, summed in the same order as accumulation sums them.
     *
     * <p>Hooks, checkpoints and evaluation see only the model (replica 0): its parameters, its
     * optimizer state and its batch-normalization running statistics. Each replica keeps running
     * statistics of its own, which nothing reads. At the start of each {@link #train} every
     * parameter of the model is copied into the replicas, so weights loaded before training
     * (resume, fine-tuning) reach them.
     *
     * <p>The {@code execution} says whether the replicas run in turn on the calling thread or on
     * threads of their own (see {@link ReplicaExecution}); the result is the same either way when
     * the engine computes each operation alike on every thread, which may need per-thread
     * settings.
     *
     * @param others the replicas on the further devices, in order; empty for one device (the
     *     default)
     * @param execution how the replicas run
     * @throws IllegalArgumentException when a replica's parameters do not match the model's in
     *     names and shapes
     */
    public void setReplicas(List<Replica> others, ReplicaExecution execution) {
        for (Replica replica : others) {
            ParameterList theirs = replica.parameters();
            if (theirs.size() != parameters.size()) {
                throw new IllegalArgumentException(
                        "a replica has "
                                + theirs.size()
                                + " parameters but the model has "
                                + parameters.size());
            }
            for (int i = 0; i < parameters.size(); i++) {
                Parameter ours = parameters.valueAt(i);
                Parameter their = theirs.valueAt(i);
                if (!parameters.keyAt(i).equals(theirs.keyAt(i))
                        || !ours.getArray().getShape().equals(their.getArray().getShape())) {
                    throw new IllegalArgumentException(
                            "a replica's parameter "
                                    + i
                                    + " is "
                                    + theirs.keyAt(i)
                                    + " "
                                    + their.getArray().getShape()
                                    + " but the model's is "
                                    + parameters.keyAt(i)
                                    + " "
                                    + ours.getArray().getShape());
                }
            }
        }
        this.replicas = List.copyOf(others);
        this.execution = execution;
        this.replicasInSync = false;
    }

    /** @return the replicas on the further devices, in order; empty on one device */
    public List<Replica> replicas() {
        return replicas;
    }

    /** @return the number of workers a step's batch is split over: 1 + the replicas */
    public int workers() {
        return 1 + replicas.size();
    }

    /**
     * Sets how the workers' gradients are combined before {@code afterBackward}; called on every
     * step, also on one device.
     *
     * @param reducer the reducer; {@link GradientReducer#sumInOrder()} by default
     */
    public void setGradientReducer(GradientReducer reducer) {
        this.reducer = reducer;
    }

    @Override
    public void train(long startIter, long maxIter) {
        if (!replicas.isEmpty()) {
            List<String> devices = new ArrayList<>();
            devices.add(deviceName(manager.getDevice()));
            replicas.forEach(replica -> devices.add(deviceName(replica.device())));
            LOG.info(
                    "Each step splits its batch over {} devices {}, the model on the first; the"
                            + " replicas run {}",
                    devices.size(),
                    devices,
                    execution);
        }
        if (data.shares() != 1 && data.shares() != worldSize()) {
            throw new IllegalStateException(
                    "the batch source gives one of "
                            + data.shares()
                            + " shares of each batch, but the trainer is one of "
                            + worldSize()
                            + " processes");
        }
        replicasInSync = false;
        try {
            super.train(startIter, maxIter);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
                pool = null;
            }
        }
    }

    @Override
    protected void runStep() {
        try (NDManager step = manager.newSubManager()) {
            long start = nanoTime();
            TrainingBatch batch = data.next(step);
            double dataTime = (nanoTime() - start) / 1e9;
            int processes = worldSize();
            if (processes > 1 && data.shares() == 1) {
                // every process draws the same global batch and trains on its share of it
                batch = split(batch, processes, false).get(rank());
            }
            int n = workers();
            int k = accumulateSteps;
            int parts = processes * n * k;
            List<List<Part>> results;
            float[] scalars;
            if (n == 1) {
                results = List.of(backward(self, batch, k, parts, null, step));
                scalars = scalars(results);
                reducer.reduce(parameters, List.of(), scalars);
            } else {
                if (!replicasInSync) {
                    copyToReplicas(false);
                    replicasInSync = true;
                }
                try {
                    results = backwardOnReplicas(split(batch, n, false), k, parts, step);
                    scalars = scalars(results);
                    reducer.reduce(parameters, replicaParameters(), scalars);
                } finally {
                    for (Replica replica : replicas) {
                        StatefulOptimizer.zeroGradients(replica.parameters());
                    }
                }
            }
            // the sums over every micro-batch of every worker of every process, then the means
            Map<String, Float> terms = new LinkedHashMap<>();
            float total = scalars[0] / parts;
            int index = 1;
            for (String name : results.get(0).get(0).terms().keySet()) {
                terms.put(name, scalars[index++] / parts);
            }
            if (scalars[index] > 0 && !isStopRequested()) {
                requestStop(agreedStop != null ? agreedStop : "a stop proposed by another rank");
            }
            afterBackward();
            clipper.clip(parameters);
            optimizer.step(parameters);
            if (n > 1) {
                copyToReplicas(true);
            }

            EventStorage storage = storage();
            storage.putScalar("data_time", dataTime);
            storage.putScalar("total_loss", total);
            if (terms.size() > 1) {
                terms.forEach(storage::putScalar);
            }
            storage.putScalar("lr", optimizer.getLearningRate(), false);
        }
    }

    /**
     * The step's numbers of this process, as the reducer sums them over the processes: the sum of
     * the micro-batches' totals, the sum of each term, and 1 if this process proposes to stop.
     */
    private float[] scalars(List<List<Part>> results) {
        Map<String, Float> terms = new LinkedHashMap<>();
        float total = 0;
        for (List<Part> worker : results) {
            for (Part part : worker) {
                total += part.total();
                part.terms().forEach((name, value) -> terms.merge(name, value, Float::sum));
            }
        }
        float[] out = new float[terms.size() + 2];
        out[0] = total;
        int index = 1;
        for (float value : terms.values()) {
            out[index++] = value;
        }
        out[index] = proposedStop != null ? 1 : 0;
        return out;
    }

    /**
     * Proposes to stop after the step in progress or the next one, agreed with the other
     * processes: the proposal travels with the step's gradients, and every process stops after
     * the same step, the first whose reduction carries a proposal. Alone, it is {@link
     * #requestStop} at the end of the step in progress. A signal handler of a process that trains
     * with others calls this instead of {@link #requestStop}, so that no process stops alone and
     * leaves the others waiting.
     *
     * @param reason why, for the log
     */
    public void proposeStop(String reason) {
        agreedStop = reason;
        proposedStop = reason;
    }

    /** One micro-batch's loss: the total and each term. */
    private record Part(float total, Map<String, Float> terms) {}

    /**
     * Runs forward and backward on every worker's slice: on threads of their own under one
     * collector, or in turn. Waits for every worker before returning or throwing, and throws the
     * first worker's failure in worker order.
     */
    private List<List<Part>> backwardOnReplicas(
            List<TrainingBatch> slices, int k, int parts, NDManager step) {
        int n = workers();
        List<List<Part>> results = new ArrayList<>(n);
        if (!execution.parallel()) {
            results.add(backward(self, slices.get(0), k, parts, null, step));
            for (int r = 1; r < n; r++) {
                results.add(onReplica(replicas.get(r - 1), slices.get(r), k, parts, null));
            }
            return results;
        }
        if (pool == null) {
            pool =
                    Executors.newFixedThreadPool(
                            replicas.size(),
                            task -> {
                                Thread thread = new Thread(task, "kiln-replica");
                                thread.setDaemon(true);
                                return thread;
                            });
            preparedThreads = ThreadLocal.withInitial(() -> false);
        }
        Runnable setup = execution.threadSetup();
        ThreadLocal<Boolean> prepared = preparedThreads;
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            List<Future<List<Part>>> futures = new ArrayList<>(n - 1);
            for (int r = 1; r < n; r++) {
                Replica replica = replicas.get(r - 1);
                TrainingBatch slice = slices.get(r);
                futures.add(
                        pool.submit(
                                () -> {
                                    // in the task, so that a failing setup fails the step
                                    if (!prepared.get()) {
                                        setup.run();
                                        prepared.set(true);
                                    }
                                    return onReplica(replica, slice, k, parts, collector);
                                }));
            }
            Throwable failure = null;
            try {
                results.add(backward(self, slices.get(0), k, parts, collector, step));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (Future<List<Part>> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    failure = failure == null ? e.getCause() : failure;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = failure == null ? e : failure;
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("a replica's step failed", failure);
            }
        }
        return results;
    }

    /** Runs a replica's slice in a child of the replica's manager, on the replica's device. */
    private List<Part> onReplica(
            Replica replica, TrainingBatch slice, int k, int parts, GradientCollector shared) {
        try (NDManager local = replica.manager().newSubManager()) {
            return backward(replica, toDevice(slice, local), k, parts, shared, local);
        }
    }

    /**
     * Runs forward and backward on one worker's share of the batch, over {@code k} micro-batches,
     * each loss scaled by 1/{@code parts}; leaves the summed gradients in the worker's parameters.
     *
     * @param shared the collector open for the whole step, or null to open one per micro-batch
     */
    private List<Part> backward(
            Replica worker,
            TrainingBatch share,
            int k,
            int parts,
            GradientCollector shared,
            NDManager local) {
        List<TrainingBatch> micro = k == 1 ? List.of(share) : split(share, k, true);
        List<Part> out = new ArrayList<>(k);
        NDArray[] sums = null;
        for (int m = 0; m < k; m++) {
            TrainingBatch part = micro.get(m);
            GradientCollector collector =
                    shared != null ? shared : manager.getEngine().newGradientCollector();
            try {
                NDList predictions =
                        worker.model().forward(worker.parameterStore(), part.data(), true);
                Map<String, NDArray> partTerms = loss.compute(predictions, part.labels());
                NDArray totalLoss = sum(partTerms);
                float partTotal = totalLoss.getFloat();
                if (!Float.isFinite(partTotal)) {
                    throw new NonFiniteLossException(iter(), values(partTerms));
                }
                collector.backward(parts == 1 ? totalLoss : totalLoss.div(parts));
                out.add(new Part(partTotal, values(partTerms)));
            } finally {
                if (shared == null) {
                    collector.close();
                }
            }
            if (k > 1) {
                sums = accumulate(worker.parameters(), sums, m == k - 1, local);
            }
        }
        return out;
    }

    /**
     * Copies the model's parameters into every replica: those that require a gradient (after each
     * step), or all of them (before the first step of a run), running statistics included.
     */
    private void copyToReplicas(boolean trainableOnly) {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter parameter = parameters.valueAt(i);
            if (!parameter.isInitialized() || (trainableOnly && !parameter.requiresGradient())) {
                continue;
            }
            NDArray source = parameter.getArray();
            for (Replica replica : replicas) {
                source.copyTo(replica.parameters().valueAt(i).getArray());
            }
        }
    }

    private List<ParameterList> replicaParameters() {
        List<ParameterList> out = new ArrayList<>(replicas.size());
        for (Replica replica : replicas) {
            out.add(replica.parameters());
        }
        return out;
    }

    private static String deviceName(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    /** Moves a slice to a replica's device, owned by {@code local}. */
    private static TrainingBatch toDevice(TrainingBatch slice, NDManager local) {
        return new TrainingBatch(toDevice(slice.data(), local), toDevice(slice.labels(), local));
    }

    private static NDList toDevice(NDList arrays, NDManager local) {
        NDList out = new NDList(arrays.size());
        for (NDArray array : arrays) {
            if (array.getDevice().equals(local.getDevice())) {
                out.add(array);
            } else {
                NDArray moved = array.toDevice(local.getDevice(), true);
                moved.attach(local);
                out.add(moved);
            }
        }
        return out;
    }

    /**
     * Sums the gradients over the micro-batches, the same way whether the engine adds a backward
     * pass's gradients to the stored ones (PyTorch) or overwrites them (MXNet's {@code write}):
     * after each backward but the last, the gradients are added to {@code sums} and zeroed; after
     * the last, {@code sums} is added to them.
     *
     * @param parameters the parameters of the worker that ran the backward pass
     * @param sums the sums so far, by parameter index; null before the first micro-batch
     * @param last whether the backward pass just run was the last micro-batch's
     * @param step the step's manager, owning the sums
     * @return the sums, to pass to the next call
     */
    private static NDArray[] accumulate(
            ParameterList parameters, NDArray[] sums, boolean last, NDManager step) {
        int n = parameters.size();
        NDArray[] out = sums == null ? new NDArray[n] : sums;
        for (int i = 0; i < n; i++) {
            Parameter parameter = parameters.valueAt(i);
            if (!parameter.requiresGradient() || !parameter.isInitialized()) {
                continue;
            }
            NDArray weight = parameter.getArray();
            if (!weight.hasGradient()) {
                continue;
            }
            try (NDArray gradient = weight.getGradient()) {
                if (last) {
                    if (out[i] != null) {
                        gradient.addi(out[i]);
                    }
                } else {
                    if (out[i] == null) {
                        out[i] = gradient.duplicate();
                        out[i].attach(step);
                    } else {
                        out[i].addi(gradient);
                    }
                    gradient.set(ALL, 0f);
                }
            }
        }
        return out;
    }

    /**
     * Splits a batch along axis 0 of every data and label array into {@code k} equal parts:
     * micro-batches, or slices for the devices.
     *
     * @throws IllegalStateException when an array's first dimension is not a multiple of {@code k}
     */
    private static List<TrainingBatch> split(TrainingBatch batch, int k, boolean micro) {
        List<NDList> data = splitAll(batch.data(), k, micro);
        List<NDList> labels = splitAll(batch.labels(), k, micro);
        List<TrainingBatch> parts = new ArrayList<>(k);
        for (int m = 0; m < k; m++) {
            parts.add(new TrainingBatch(data.get(m), labels.get(m)));
        }
        return parts;
    }

    private static List<NDList> splitAll(NDList arrays, int k, boolean micro) {
        List<NDList> parts = new ArrayList<>(k);
        for (int m = 0; m < k; m++) {
            parts.add(new NDList(arrays.size()));
        }
        for (NDArray array : arrays) {
            long rows = array.getShape().dimension() == 0 ? 0 : array.getShape().get(0);
            if (rows == 0 || rows % k != 0) {
                throw new IllegalStateException(
                        "cannot split a batch array of shape "
                                + array.getShape()
                                + " into "
                                + k
                                + (micro
                                        ? " equal micro-batches along axis 0 (accumulate steps "
                                        : " equal slices along axis 0 (one per device, devices ")
                                + k
                                + ")");
            }
            NDList pieces = array.split(k, 0);
            for (int m = 0; m < k; m++) {
                parts.get(m).add(pieces.get(m));
            }
        }
        return parts;
    }

    private static NDArray sum(Map<String, NDArray> terms) {
        if (terms.isEmpty()) {
            throw new IllegalStateException("the loss function returned no terms");
        }
        NDArray total = null;
        for (NDArray term : terms.values()) {
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    private static Map<String, Float> values(Map<String, NDArray> terms) {
        Map<String, Float> out = new LinkedHashMap<>();
        terms.forEach((name, value) -> out.put(name, value.getFloat()));
        return out;
    }

    /** @return the model */
    public Block model() {
        return model;
    }

    /** @return the optimizer */
    public StatefulOptimizer optimizer() {
        return optimizer;
    }

    /** @return the source of batches */
    public BatchSource data() {
        return data;
    }

    @Override
    protected Map<String, Object> extraState() {
        return Map.of("data", data.state());
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void loadExtraState(Map<String, Object> extra) {
        Object saved = extra.get("data");
        if (saved instanceof Map<?, ?> map) {
            data.loadState((Map<String, Object>) map);
        }
    }
}
