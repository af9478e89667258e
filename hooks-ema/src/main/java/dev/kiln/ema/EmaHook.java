package dev.kiln.ema;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.Config;
import dev.kiln.runtime.NoGradient;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import dev.kiln.tensors.TensorData;
import dev.kiln.train.HookBase;
import dev.kiln.train.StatefulHook;
import dev.kiln.train.WeightsVariant;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook {@code ema}: an exponential moving average of the model's parameters, updated after
 * each step, saved in checkpoints, and offered as the {@link WeightsVariant} {@code ema} (the eval
 * hook reports its results as {@code test-ema/<name>}; export can write it).
 *
 * <h2>What is averaged, and how</h2>
 *
 * Every float32 parameter of the model is averaged: the trained weights, the frozen ones (whose
 * average stays exactly their value) and those without gradients, such as batch normalization's
 * running mean and variance. Parameters of other types (integer counters) are not averaged; a
 * swap leaves them as they are. After the step of iteration {@code t}, with {@code d} the decay of
 * that step, each element becomes
 *
 * <pre>{@code
 * ema = ema + r * (value - ema)        // r = (float) (1 - d), computed once per step in double
 * }</pre>
 *
 * on the Java heap, in float32, each of the three operations rounded to float32 as Java does
 * (subtract, multiply, add; never a fused multiply-add). That is {@code d * ema + (1 - d) *
 * value} up to float rounding, computed the same way whatever the engine: the same inputs give the
 * same bits under PyTorch and MXNet, and a run repeated on one engine gives the same bits. With
 * {@code kiln.ema.warmup}, {@code d = min(decay, (1 + t) / (10 + t))} (as TensorFlow's {@code
 * ExponentialMovingAverage} with {@code num_updates}, and timm's and YOLO's warmed-up averages),
 * else {@code d = decay}. The first step a run makes without a saved average (training from
 * iteration 0, or resuming from a checkpoint that has none) sets the average to the values.
 *
 * <p>The averages live on the Java heap, one float per parameter element (the model's size once
 * more), and each step copies the parameters to the heap to update them: cheap for the models of
 * the examples, a measurable cost per step for a large model on a GPU.
 *
 * <h2>When the average is brought up to date</h2>
 *
 * The hook's own {@code afterStep} averages the values the step left. A hook that runs before it
 * and calls {@link #swapIn()} or has the trainer's state saved (a checkpoint) in its {@code
 * afterStep} gets the average of the iteration just run all the same: the step counts as run once
 * this hook's {@code afterBackward} was called for it, and an iteration is averaged once. So {@code
 * kiln.hooks = [checkpoint, eval, ema]} and {@code [ema, checkpoint, eval]} save and evaluate the
 * same values.
 *
 * <h2>State</h2>
 *
 * {@link #saveState()} holds each averaged parameter's values as a {@link TensorData} under the
 * parameter's name (a checkpoint writes them to {@code hooks.safetensors} as {@code
 * ema/<parameter>}) and the last iteration averaged as {@code iteration}; a resumed run continues
 * the average bitwise as an uninterrupted one would.
 */
@KilnExtension(
        name = EmaHook.NAME,
        description =
                "exponential moving average of the weights (kiln.ema.decay), evaluated as"
                        + " test-ema/<name> and saved in checkpoints")
public final class EmaHook extends HookBase implements StatefulHook, WeightsVariant {

    /** The hook's name, which is also the variant's. */
    public static final String NAME = "ema";

    /** The key of the last iteration averaged in the hook's state. */
    static final String ITERATION = "iteration";

    private static final Logger LOG = LoggerFactory.getLogger(EmaHook.class);
    private static final NDIndex ALL = new NDIndex("...");

    private final Block model;
    private final double decay;
    private final boolean warmup;

    /** The averages by parameter name, in the model's order; null before the first update. */
    private Map<String, float[]> average;

    private long lastIteration = -1;
    private boolean stepRan;
    private boolean averaged;
    private boolean swapped;

    /**
     * Creates the hook of a run from {@code kiln.ema}.
     *
     * @param section {@code kiln.ema}
     * @param model the model, initialized
     * @throws SettingsException naming the file, line and key of a bad value
     */
    @Inject
    public EmaHook(Config section, Block model) {
        this(model, decay(Settings.of(section, "kiln.ema")), warmup(section));
    }

    /**
     * Creates the hook with settings of one's own.
     *
     * @param model the model, initialized
     * @param decay the weight of the old average at each step, in (0, 1)
     * @param warmup whether the decay at iteration {@code t} is {@code min(decay, (1 + t) / (10 +
     *     t))}
     */
    public EmaHook(Block model, double decay, boolean warmup) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("the decay must be in (0, 1) but is " + decay);
        }
        this.model = model;
        this.decay = decay;
        this.warmup = warmup;
    }

    private static double decay(Settings settings) {
        String requirement = "must be a number in (0, 1), such as 0.999,";
        double value;
        try {
            value = settings.between("decay", 0, 1);
        } catch (SettingsException e) {
            throw settings.problem("decay", requirement + " but is " + rendered(settings));
        }
        if (value == 0 || value == 1) {
            throw settings.problem("decay", requirement + " but is " + rendered(settings));
        }
        return value;
    }

    private static String rendered(Settings settings) {
        Config config = settings.config();
        return config.hasPathOrNull("decay") ? config.getValue("decay").render() : "not set";
    }

    private static boolean warmup(Config section) {
        return section.hasPath("warmup") && Settings.of(section, "kiln.ema").bool("warmup");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String variantName() {
        return NAME;
    }

    /** @return the weight of the old average at each step */
    public double decay() {
        return decay;
    }

    /** @return whether the decay warms up */
    public boolean warmup() {
        return warmup;
    }

    /**
     * Returns the decay of the update after iteration {@code t}.
     *
     * @param t the iteration, from 0
     * @return {@code min(decay, (1 + t) / (10 + t))} with warmup, else the decay
     */
    public double decayAt(long t) {
        return warmup ? Math.min(decay, (1.0 + t) / (10.0 + t)) : decay;
    }

    /** @return the last iteration averaged; -1 before the first */
    public long lastIteration() {
        return lastIteration;
    }

    /**
     * Returns a copy of the averages.
     *
     * @return each averaged parameter's values by name, row-major; empty before the first update
     */
    public Map<String, float[]> averages() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        if (average != null) {
            average.forEach((k, v) -> copy.put(k, v.clone()));
        }
        return copy;
    }

    @Override
    public void beforeTrain() {
        stepRan = false;
        averaged = false;
    }

    @Override
    public void beforeStep() {
        stepRan = false;
        averaged = false;
    }

    @Override
    public void afterBackward() {
        stepRan = true;
    }

    @Override
    public void afterStep() {
        if (!averaged) {
            update(trainer().iter());
        }
    }

    @Override
    public void afterTrain() {
        stepRan = false;
    }

    /** Averages the iteration just run if a hook before this one asks for the average. */
    private void catchUp() {
        if (stepRan && !averaged) {
            update(trainer().iter());
        }
    }

    private void update(long iteration) {
        if (swapped) {
            throw new IllegalStateException(
                    "the ema average is swapped into the model: close the swap before the step"
                            + " ends");
        }
        averaged = true;
        lastIteration = iteration;
        if (average == null) {
            average = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray array = p.getValue().getArray();
                if (array.getDataType() == DataType.FLOAT32) {
                    average.put(p.getKey(), array.toFloatArray());
                }
            }
            return;
        }
        float rate = (float) (1.0 - decayAt(iteration));
        for (Pair<String, Parameter> p : model.getParameters()) {
            float[] ema = average.get(p.getKey());
            if (ema == null) {
                continue;
            }
            float[] value = p.getValue().getArray().toFloatArray();
            for (int i = 0; i < ema.length; i++) {
                ema[i] = ema[i] + rate * (value[i] - ema[i]);
            }
        }
    }

    /**
     * Puts the average into the model's parameters, brought up to date with the iteration just
     * run, until the handle is closed; closing puts the trained values back bitwise.
     *
     * @return the handle
     * @throws IllegalStateException before any average exists, or while another swap is open
     */
    @Override
    public Swap swapIn() {
        catchUp();
        if (average == null) {
            throw new IllegalStateException(
                    "the ema hook holds no average yet: it is made after the first step, or"
                            + " restored from a checkpoint");
        }
        if (swapped) {
            throw new IllegalStateException("the ema average is already swapped into the model");
        }
        List<Parameter> changed = new ArrayList<>();
        List<TensorData> trained = new ArrayList<>();
        try {
            for (Pair<String, Parameter> p : model.getParameters()) {
                float[] ema = average.get(p.getKey());
                if (ema == null) {
                    continue;
                }
                NDArray weight = p.getValue().getArray();
                TensorData before = TensorData.of(weight);
                assign(weight, ema);
                changed.add(p.getValue());
                trained.add(before);
            }
        } catch (RuntimeException e) {
            restore(changed, trained);
            throw e;
        }
        swapped = true;
        return new Swap() {
            private boolean closed;

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                swapped = false;
                restore(changed, trained);
            }
        };
    }

    private static void assign(NDArray weight, float[] values) {
        try (NDManager temp = weight.getManager().newSubManager();
                NoGradient noGradient = NoGradient.open(weight.getManager().getEngine())) {
            weight.set(ALL, temp.create(values, weight.getShape()));
        }
    }

    private static void restore(List<Parameter> changed, List<TensorData> trained) {
        for (int i = 0; i < changed.size(); i++) {
            NDArray weight = changed.get(i).getArray();
            try (NDManager temp = weight.getManager().newSubManager();
                    NoGradient noGradient = NoGradient.open(weight.getManager().getEngine())) {
                weight.set(ALL, trained.get(i).toNDArray(temp));
            }
        }
    }

    /**
     * Returns the average, brought up to date with the iteration just run as {@link #swapIn()}
     * does: each averaged parameter's values as a {@link TensorData} under its name, and the last
     * iteration averaged under {@value #ITERATION}. Empty before the first update.
     */
    @Override
    public Map<String, Object> saveState() {
        catchUp();
        Map<String, Object> state = new LinkedHashMap<>();
        if (average == null) {
            return state;
        }
        state.put(ITERATION, lastIteration);
        for (Pair<String, Parameter> p : model.getParameters()) {
            float[] ema = average.get(p.getKey());
            if (ema != null) {
                state.put(p.getKey(), tensor(ema, p.getValue().getArray()));
            }
        }
        return state;
    }

    private static TensorData tensor(float[] values, NDArray like) {
        ByteBuffer bytes =
                ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return new TensorData(DataType.FLOAT32, like.getShape(), bytes.array());
    }

    /**
     * Restores an average saved by {@link #saveState()}. A parameter the state lacks starts its
     * average at its value now (a resumed checkpoint's); a state without arrays (saved by a checkpointer that
     * keeps none) is ignored and the average starts afresh.
     *
     * @throws IllegalArgumentException when a saved average does not fit its parameter's shape
     */
    @Override
    public void loadState(Map<String, Object> state) {
        if (state.isEmpty()) {
            average = null;
            lastIteration = -1;
            return;
        }
        Map<String, float[]> loaded = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (array.getDataType() != DataType.FLOAT32) {
                continue;
            }
            Object saved = state.get(p.getKey());
            if (!(saved instanceof TensorData tensor)) {
                missing.add(p.getKey());
                loaded.put(p.getKey(), array.toFloatArray());
                continue;
            }
            if (tensor.dataType() != DataType.FLOAT32 || !tensor.shape().equals(array.getShape())) {
                throw new IllegalArgumentException(
                        "the saved ema average of "
                                + p.getKey()
                                + " is "
                                + tensor.dataType()
                                + tensor.shape()
                                + " but the parameter is "
                                + array.getDataType()
                                + array.getShape());
            }
            float[] values = new float[Math.toIntExact(tensor.shape().size())];
            ByteBuffer.wrap(tensor.data())
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(values);
            loaded.put(p.getKey(), values);
        }
        if (missing.size() == loaded.size() && !loaded.isEmpty()) {
            LOG.warn(
                    "The saved ema state holds no arrays (was it saved by a checkpointer that keeps"
                            + " none?); the average starts afresh at the next step");
            average = null;
            lastIteration = -1;
            return;
        }
        if (!missing.isEmpty()) {
            LOG.warn("No saved ema average for {}: they start from their values now", missing);
        }
        average = loaded;
        lastIteration = state.get(ITERATION) instanceof Number n ? n.longValue() : lastIteration;
        averaged = false;
        stepRan = false;
    }
}
