package dev.kiln.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.kiln.data.BatchSource;
import dev.kiln.data.TrainingBatch;
import dev.kiln.events.EventStorage;
import dev.kiln.optim.GradientClipper;
import dev.kiln.optim.StatefulOptimizer;
import java.util.LinkedHashMap;
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
 * <p>Every array of a step lives in a sub-manager closed at the end of the step, so memory stays
 * flat. The learning rate is whatever the optimizer holds; a scheduling hook sets it before each
 * step from the iteration.
 */
public class SimpleTrainer extends TrainerBase {

    private final Block model;
    private final NDManager manager;
    private final LossFunction loss;
    private final StatefulOptimizer optimizer;
    private final BatchSource data;
    private final ParameterStore parameterStore;
    private final ParameterList parameters;
    private GradientClipper clipper = GradientClipper.none();

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

    @Override
    protected void runStep() {
        try (NDManager step = manager.newSubManager()) {
            long start = nanoTime();
            TrainingBatch batch = data.next(step);
            double dataTime = (nanoTime() - start) / 1e9;
            Map<String, NDArray> terms;
            float total;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDList predictions = model.forward(parameterStore, batch.data(), true);
                terms = loss.compute(predictions, batch.labels());
                NDArray totalLoss = sum(terms);
                total = totalLoss.getFloat();
                if (!Float.isFinite(total)) {
                    throw new NonFiniteLossException(iter(), values(terms));
                }
                collector.backward(totalLoss);
            }
            afterBackward();
            clipper.clip(parameters);
            optimizer.step(parameters);

            EventStorage storage = storage();
            storage.putScalar("data_time", dataTime);
            storage.putScalar("total_loss", total);
            if (terms.size() > 1) {
                values(terms).forEach(storage::putScalar);
            }
            storage.putScalar("lr", optimizer.getLearningRate(), false);
        }
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
