package dev.kiln.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An optimizer written with plain DJL array operations whose complete state can be saved with
 * {@link #stateDict} and restored exactly with {@link #loadStateDict}, so that a resumed run
 * continues bit for bit as if it had never stopped.
 *
 * <p><b>Learning rate.</b> The learning rate is not state: the trainer sets it from outside with
 * {@link #setLearningRate} (typically every iteration, from a schedule).
 *
 * <p><b>State keys.</b> Per-parameter state is keyed by the parameter's name in the {@link
 * ParameterList} passed to {@link #step} (e.g. {@code 01Linear_weight}), never by {@link
 * Parameter#getId()} (a random UUID), so it carries over into a fresh block of the same structure.
 * {@link #stateDict} names entries {@code <param>.step} (an int64 scalar: updates applied so far)
 * and {@code <param>.<buffer>} for each of the optimizer's buffers, e.g. {@code
 * 01Linear_weight.momentum}, {@code 01Linear_weight.exp_avg}, {@code 01Linear_weight.exp_avg_sq}.
 *
 * <p><b>Weight decay exclusion.</b> When built with {@code decayBiasAndNorm(false)}, weight decay
 * is not applied to a parameter whose name ends with {@code bias} or whose array has at most one
 * dimension (biases, and the gamma/beta of normalization layers).
 *
 * <p><b>Parameter groups.</b> {@link #setParameterGroups} gives parameters whose names match a
 * pattern a factor on the learning rate and a weight decay of their own: {@link #update} then
 * receives {@code learningRate * lrFactor} for such a parameter, and {@link #addWeightDecay} and
 * {@link ParameterState#weightDecay()} give its weight decay, so a subclass gets groups without
 * code of its own as long as it reads the weight decay from there (not {@link #getWeightDecay()}).
 * A parameter that does not require a gradient ({@link Parameter#freeze}) is skipped: no update,
 * no state.
 *
 * <p><b>Gradients.</b> {@link #step} zeroes every gradient it consumed (PyTorch accumulates
 * gradients across backward passes; on MXNet zeroing is harmless). Zeroing multiplies by zero, so
 * a non-finite gradient stays NaN: to drop such a step, call {@link #zeroGradients} instead.
 *
 * <p>The optimizer's arrays live in a manager of its own per device, so they outlive the model's
 * sub-managers; {@link #close()} frees them. Not thread-safe.
 *
 * <p><b>Writing one.</b> A subclass names its per-parameter buffers ({@link #bufferNames()}), says
 * how many cached scalars it uses ({@link #scalarSlots()}), and applies one update in place
 * ({@link #update}); saving, restoring, weight-decay exclusion and gradient zeroing are done here.
 * Kiln's SGD, Adam and AdamW are written this way.
 */
public abstract class StatefulOptimizer implements AutoCloseable {

    private static final String STEP = "step";
    private static final NDIndex ALL = new NDIndex("...");

    private float learningRate;
    private final float weightDecay;
    private final boolean decayBiasAndNorm;

    /** State per parameter name, in the order parameters were first seen or loaded. */
    private final Map<String, ParameterState> states = new LinkedHashMap<>();

    /** One context per device; nearly always a single entry. */
    private final Map<Device, DeviceContext> contexts = new HashMap<>(2);

    /** The parameter groups, first match wins; empty for none. */
    private List<ParameterGroup> groups = List.of();

    /**
     * @param learningRate the learning rate of the first step
     * @param weightDecay the weight decay coefficient, 0 for none
     * @param decayBiasAndNorm whether weight decay also applies to biases and 1-d parameters
     */
    protected StatefulOptimizer(float learningRate, float weightDecay, boolean decayBiasAndNorm) {
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.decayBiasAndNorm = decayBiasAndNorm;
    }

    /**
     * Sets the learning rate used by the following steps.
     *
     * @param learningRate the new learning rate
     */
    public void setLearningRate(float learningRate) {
        this.learningRate = learningRate;
    }

    /**
     * Returns the learning rate used by the next step.
     *
     * @return the learning rate
     */
    public float getLearningRate() {
        return learningRate;
    }

    /**
     * Returns the weight decay coefficient.
     *
     * @return the weight decay (0 for none)
     */
    public float getWeightDecay() {
        return weightDecay;
    }

    /**
     * Sets the parameter groups: the first group whose pattern matches a parameter's whole name
     * gives it a factor on the learning rate and, if the group sets one, its weight decay (which
     * then applies whatever the bias and 1-d exclusion says). Parameters no group matches keep the
     * learning rate and weight decay of the optimizer. Applies from the next step on; not saved
     * in {@link #stateDict} (it comes from the config).
     *
     * @param groups the groups in order, empty for none
     */
    public void setParameterGroups(List<ParameterGroup> groups) {
        this.groups = List.copyOf(groups);
        for (ParameterState state : states.values()) {
            state.resolved = false;
        }
    }

    /** @return the parameter groups, first match wins; empty for none */
    public List<ParameterGroup> parameterGroups() {
        return groups;
    }

    /**
     * Updates, in place, every parameter that requires a gradient and has one, then zeroes that
     * gradient. Call after the gradient collector is closed.
     *
     * @param parameters the parameters with their names, e.g. {@code block.getParameters()}
     */
    public void step(ParameterList parameters) {
        float lr = learningRate;
        int n = parameters.size();
        for (int i = 0; i < n; i++) {
            Parameter parameter = parameters.valueAt(i);
            if (!parameter.requiresGradient()) {
                continue;
            }
            NDArray weight = parameter.getArray();
            if (!weight.hasGradient()) {
                continue;
            }
            ParameterState state = stateFor(parameters.keyAt(i), weight);
            DeviceContext context = state.context;
            try (NDArray gradient = weight.getGradient()) {
                state.step++;
                update(state, weight, gradient, context, lr * state.lrFactor);
                gradient.muli(context.scalar(DeviceContext.ZERO, 0f));
            }
        }
    }

    /**
     * Sets every gradient of {@code parameters} to zero, also when it holds NaN or infinity (for a
     * step the trainer decides to skip).
     *
     * @param parameters the parameters whose gradients to clear
     */
    public static void zeroGradients(ParameterList parameters) {
        int n = parameters.size();
        for (int i = 0; i < n; i++) {
            Parameter parameter = parameters.valueAt(i);
            if (!parameter.requiresGradient() || !parameter.isInitialized()) {
                continue;
            }
            NDArray weight = parameter.getArray();
            if (weight.hasGradient()) {
                try (NDArray gradient = weight.getGradient()) {
                    gradient.set(ALL, 0f);
                }
            }
        }
    }

    /**
     * Returns a copy of the complete state: {@code <param>.step} int64 scalars and {@code
     * <param>.<buffer>} arrays, all new arrays attached to {@code manager} (the caller closes
     * them). Each array's name is set to its key.
     *
     * @param manager the manager (and device) of the returned arrays
     * @return the state, keyed as described in the class documentation, in a stable order
     */
    public Map<String, NDArray> stateDict(NDManager manager) {
        List<String> bufferNames = bufferNames();
        Map<String, NDArray> result = new LinkedHashMap<>();
        for (ParameterState state : states.values()) {
            put(result, state.name + '.' + STEP, manager.create(state.step));
            for (int b = 0; b < bufferNames.size(); b++) {
                String key = state.name + '.' + bufferNames.get(b);
                if (state.pending != null) {
                    put(result, key, state.pending[b].toNDArray(manager));
                } else if (state.buffers[b] != null) {
                    put(result, key, copy(state.buffers[b], manager));
                }
            }
        }
        return result;
    }

    /**
     * Replaces the whole state by {@code state} (as returned by {@link #stateDict}, possibly
     * after a trip through bytes). Values are copied: the caller may close the given arrays
     * afterwards. Arrays are re-created on each parameter's device the first time it is updated.
     * On failure nothing is changed.
     *
     * @param state the state, keyed {@code <param>.step} and {@code <param>.<buffer>}
     * @throws IllegalArgumentException naming every unknown or missing key, or if a step count is
     *     not an integer scalar
     */
    public void loadStateDict(Map<String, NDArray> state) {
        List<String> bufferNames = bufferNames();
        Map<String, Map<String, NDArray>> byParameter = new LinkedHashMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        for (Map.Entry<String, NDArray> entry : state.entrySet()) {
            String key = entry.getKey();
            int dot = key.lastIndexOf('.');
            String suffix = dot < 0 ? "" : key.substring(dot + 1);
            if (dot <= 0 || !(suffix.equals(STEP) || bufferNames.contains(suffix))) {
                unknown.add(key);
                continue;
            }
            byParameter
                    .computeIfAbsent(key.substring(0, dot), k -> new HashMap<>())
                    .put(suffix, entry.getValue());
        }
        TreeSet<String> missing = new TreeSet<>();
        for (Map.Entry<String, Map<String, NDArray>> entry : byParameter.entrySet()) {
            if (!entry.getValue().containsKey(STEP)) {
                missing.add(entry.getKey() + '.' + STEP);
            }
            for (String buffer : bufferNames) {
                if (!entry.getValue().containsKey(buffer)) {
                    missing.add(entry.getKey() + '.' + buffer);
                }
            }
        }
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName()
                            + " state does not match: unknown keys "
                            + unknown
                            + ", missing keys "
                            + missing);
        }

        List<ParameterState> loaded = new ArrayList<>(byParameter.size());
        for (Map.Entry<String, Map<String, NDArray>> entry : byParameter.entrySet()) {
            ParameterState restored = new ParameterState(entry.getKey(), bufferNames.size());
            restored.step = readStep(entry.getKey() + '.' + STEP, entry.getValue().get(STEP));
            restored.pending = new HostArray[bufferNames.size()];
            for (int b = 0; b < bufferNames.size(); b++) {
                restored.pending[b] = HostArray.of(entry.getValue().get(bufferNames.get(b)));
            }
            loaded.add(restored);
        }
        clearState();
        for (ParameterState restored : loaded) {
            states.put(restored.name, restored);
        }
    }

    /** Frees every array this optimizer owns and forgets its state. */
    @Override
    public void close() {
        clearState();
    }

    /**
     * @return the number of arrays this optimizer currently owns (buffers and cached scalars), for
     *     leak checks
     */
    public int ownedArrayCount() {
        int count = 0;
        for (DeviceContext context : contexts.values()) {
            count += context.manager().getManagedArrays().size();
        }
        return count;
    }

    /**
     * Names of the per-parameter buffers, e.g. {@code momentum}; fixed for the optimizer's life.
     */
    protected abstract List<String> bufferNames();

    /** Number of scalar slots {@link #update} uses, including {@link DeviceContext#ZERO}. */
    protected abstract int scalarSlots();

    /**
     * Applies one update in place to {@code weight}. {@code state.step()} is already incremented;
     * {@code gradient} may be used as scratch space (it is zeroed afterwards); temporaries must be
     * closed; new buffers must be attached to {@code context.manager()}.
     *
     * @param state the parameter's state: its step count and buffers
     * @param weight the parameter's array, updated in place
     * @param gradient its gradient, free to use as scratch space
     * @param context the device's manager and cached scalars
     * @param learningRate the learning rate of this step
     */
    protected abstract void update(
            ParameterState state,
            NDArray weight,
            NDArray gradient,
            DeviceContext context,
            float learningRate);

    /**
     * Adds L2 weight decay to a gradient in place, {@code gradient += weightDecay * weight}, when
     * it applies to the parameter ({@link ParameterState#decays()}), with the parameter's
     * coefficient ({@link ParameterState#weightDecay()}, its group's or the optimizer's): the
     * coupled weight decay of SGD, Adam and RMSprop.
     *
     * @param state the parameter's state
     * @param weight the parameter's array
     * @param gradient its gradient, changed in place
     * @param context the device's cached scalars
     * @param slot the scalar slot the optimizer keeps the coefficient in
     */
    protected final void addWeightDecay(
            ParameterState state,
            NDArray weight,
            NDArray gradient,
            DeviceContext context,
            int slot) {
        if (state.decays()) {
            try (NDArray decay = weight.mul(context.scalar(slot, state.weightDecay))) {
                gradient.addi(decay);
            }
        }
    }

    /** Creates a buffer of zeros like {@code weight}, owned by the optimizer. */
    protected static NDArray zerosLike(NDArray weight, DeviceContext context) {
        return context.manager().zeros(weight.getShape(), weight.getDataType());
    }

    private ParameterState stateFor(String name, NDArray weight) {
        ParameterState state = states.get(name);
        if (state != null && state.context != null) {
            if (!state.resolved) {
                resolve(state, weight);
            }
            return state;
        }
        if (state == null) {
            state = new ParameterState(name, bufferNames().size());
            states.put(name, state);
        }
        DeviceContext context = contextFor(weight);
        if (state.pending != null) {
            materialize(state, weight, context);
        }
        resolve(state, weight);
        state.context = context; // last: a state with a context is ready to use
        return state;
    }

    /** Sets a state's learning rate factor and weight decay from its group, or the defaults. */
    private void resolve(ParameterState state, NDArray weight) {
        ParameterGroup group = ParameterGroup.first(groups, state.name);
        if (group != null && group.weightDecay() != null) {
            state.weightDecay = group.weightDecay();
            state.decays = state.weightDecay != 0f;
        } else {
            state.weightDecay = weightDecay;
            state.decays =
                    weightDecay != 0f
                            && (decayBiasAndNorm
                                    || !(state.name.endsWith("bias")
                                            || weight.getShape().dimension() <= 1));
        }
        state.lrFactor = group == null ? 1f : group.lrFactor();
        state.resolved = true;
    }

    private void materialize(ParameterState state, NDArray weight, DeviceContext context) {
        List<String> bufferNames = bufferNames();
        for (int b = 0; b < state.pending.length; b++) {
            HostArray host = state.pending[b];
            if (!host.shape().equals(weight.getShape())
                    || host.dataType() != weight.getDataType()) {
                throw new IllegalArgumentException(
                        "State "
                                + state.name
                                + '.'
                                + bufferNames.get(b)
                                + " is "
                                + host.dataType()
                                + host.shape()
                                + " but the parameter is "
                                + weight.getDataType()
                                + weight.getShape());
            }
        }
        for (int b = 0; b < state.pending.length; b++) {
            state.buffers[b] = state.pending[b].toNDArray(context.manager());
        }
        state.pending = null;
    }

    private DeviceContext contextFor(NDArray weight) {
        Device device = weight.getDevice();
        DeviceContext context = contexts.get(device);
        if (context == null) {
            // A base manager of its own: the state outlives any block or sub-manager.
            NDManager manager = weight.getManager().getEngine().newBaseManager(device);
            context = new DeviceContext(manager, scalarSlots());
            contexts.put(device, context);
        }
        return context;
    }

    private void clearState() {
        for (DeviceContext context : contexts.values()) {
            context.close();
        }
        contexts.clear();
        states.clear();
    }

    private static NDArray copy(NDArray array, NDManager manager) {
        NDArray copy;
        if (array.getManager().getEngine() != manager.getEngine()) {
            copy = HostArray.of(array).toNDArray(manager);
        } else if (array.getDevice().equals(manager.getDevice())) {
            copy = array.duplicate();
        } else {
            copy = array.toDevice(manager.getDevice(), true);
        }
        copy.attach(manager);
        return copy;
    }

    private static void put(Map<String, NDArray> result, String key, NDArray array) {
        array.setName(key);
        result.put(key, array);
    }

    private static long readStep(String key, NDArray array) {
        DataType type = array.getDataType();
        if (array.size() != 1 || !(type == DataType.INT64 || type == DataType.INT32)) {
            throw new IllegalArgumentException(
                    key + " must be an int64 or int32 scalar, got " + type + array.getShape());
        }
        return type == DataType.INT64 ? array.toLongArray()[0] : array.toIntArray()[0];
    }
}
