package dev.kiln.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.kiln.data.BatchSource;
import dev.kiln.data.TrainingBatch;
import dev.kiln.events.EventStorage;
import dev.kiln.optim.GradientClipper;
import dev.kiln.optim.StatefulOptimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

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
 * <p>Every array of a step lives in a sub-manager closed at the end of the step, so memory stays
 * flat. The learning rate is whatever the optimizer holds; a scheduling hook sets it before each
 * step from the iteration.
 */
public class SimpleTrainer extends TrainerBase {

    private static final NDIndex ALL = new NDIndex("...");

    private final Block model;
    private final NDManager manager;
    private final LossFunction loss;
    private final StatefulOptimizer optimizer;
    private final BatchSource data;
    private final ParameterStore parameterStore;
    private final ParameterList parameters;
    private GradientClipper clipper = GradientClipper.none();
    private int accumulateSteps = 1;

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
        this.parameterStore = new ParameterStore(manager, false);
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

    @Override
    protected void runStep() {
        try (NDManager step = manager.newSubManager()) {
            long start = nanoTime();
            TrainingBatch batch = data.next(step);
            double dataTime = (nanoTime() - start) / 1e9;
            int k = accumulateSteps;
            List<TrainingBatch> micro = k == 1 ? List.of(batch) : split(batch, k);
            Map<String, Float> terms = new LinkedHashMap<>();
            float total = 0;
            NDArray[] sums = null;
            for (int m = 0; m < k; m++) {
                TrainingBatch part = micro.get(m);
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    NDList predictions = model.forward(parameterStore, part.data(), true);
                    Map<String, NDArray> partTerms = loss.compute(predictions, part.labels());
                    NDArray totalLoss = sum(partTerms);
                    float partTotal = totalLoss.getFloat();
                    if (!Float.isFinite(partTotal)) {
                        throw new NonFiniteLossException(iter(), values(partTerms));
                    }
                    collector.backward(k == 1 ? totalLoss : totalLoss.div(k));
                    total += partTotal;
                    values(partTerms)
                            .forEach((name, value) -> terms.merge(name, value, Float::sum));
                }
                if (k > 1) {
                    sums = accumulate(sums, m == k - 1, step);
                }
            }
            if (k > 1) {
                total /= k;
                terms.replaceAll((name, value) -> value / k);
            }
            afterBackward();
            clipper.clip(parameters);
            optimizer.step(parameters);

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
     * Sums the gradients over the micro-batches, the same way whether the engine adds a backward
     * pass's gradients to the stored ones (PyTorch) or overwrites them (MXNet's {@code write}):
     * after each backward but the last, the gradients are added to {@code sums} and zeroed; after
     * the last, {@code sums} is added to them.
     *
     * @param sums the sums so far, by parameter index; null before the first micro-batch
     * @param last whether the backward pass just run was the last micro-batch's
     * @param step the step's manager, owning the sums
     * @return the sums, to pass to the next call
     */
    private NDArray[] accumulate(NDArray[] sums, boolean last, NDManager step) {
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
     * Splits a batch along axis 0 of every data and label array into {@code k} equal parts.
     *
     * @throws IllegalStateException when an array's first dimension is not a multiple of {@code k}
     */
    private static List<TrainingBatch> split(TrainingBatch batch, int k) {
        List<NDList> data = splitAll(batch.data(), k);
        List<NDList> labels = splitAll(batch.labels(), k);
        List<TrainingBatch> parts = new ArrayList<>(k);
        for (int m = 0; m < k; m++) {
            parts.add(new TrainingBatch(data.get(m), labels.get(m)));
        }
        return parts;
    }

    private static List<NDList> splitAll(NDList arrays, int k) {
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
                                + " equal micro-batches along axis 0 (accumulate steps "
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
