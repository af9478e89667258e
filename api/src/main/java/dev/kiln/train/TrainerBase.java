package dev.kiln.train;

import dev.kiln.events.EventStorage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop with hooks, after detectron2's engine: {@link #train} opens a fresh {@link
 * EventStorage}, runs every hook's {@code beforeTrain}, then for each iteration {@code beforeStep}
 * → {@link #runStep()} → {@code afterStep}, and always {@code afterTrain}, also after an exception,
 * which is logged with its iteration, shown to the {@code afterTrain} hooks as {@link #failure()}
 * and rethrown. Hooks run in registration order.
 *
 * <p>Subclasses implement {@link #runStep()}; {@link SimpleTrainer} is the usual one.
 */
public abstract class TrainerBase implements TrainerView {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerBase.class);

    private final LongSupplier clock;
    private final List<Hook> hooks = new ArrayList<>();
    private EventStorage storage = new EventStorage();
    private long iter;
    private long nextIter;
    private long startIter;
    private long maxIter;
    private long lastStepNanos;
    private volatile String stopReason;
    private Throwable failure;
    private String failedHook;
    private int rank;
    private int worldSize = 1;

    /** A trainer timed by {@link System#nanoTime()}. */
    protected TrainerBase() {
        this(System::nanoTime);
    }

    /**
     * A trainer timed by the given clock (a test's or a simulation's).
     *
     * @param clock nanoseconds from an arbitrary origin
     */
    protected TrainerBase(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Registers hooks; they run after those registered before, in the order given.
     *
     * @param newHooks the hooks
     * @throws IllegalArgumentException when a stateful hook's name is already another stateful
     *     hook's
     */
    public void registerHooks(List<? extends Hook> newHooks) {
        for (Hook hook : newHooks) {
            if (hasState(hook)) {
                for (Hook other : hooks) {
                    if (hasState(other) && other.name().equals(hook.name())) {
                        throw new IllegalArgumentException(
                                "two stateful hooks are named '"
                                        + hook.name()
                                        + "': "
                                        + other.getClass().getName()
                                        + " and "
                                        + hook.getClass().getName());
                    }
                }
            }
            hook.attach(this);
            hooks.add(hook);
        }
    }

    /**
     * Registers hooks; they run after those registered before, in the order given.
     *
     * @param newHooks the hooks
     */
    public void registerHooks(Hook... newHooks) {
        registerHooks(List.of(newHooks));
    }

    @Override
    public List<Hook> hooks() {
        return Collections.unmodifiableList(hooks);
    }

    /**
     * Trains from {@code startIter} up to, not including, {@code maxIter}, or until a hook asks to
     * stop.
     *
     * @param startIter the first iteration
     * @param maxIter the iteration to stop before
     */
    public void train(long startIter, long maxIter) {
        if (startIter < 0 || maxIter < startIter) {
            throw new IllegalArgumentException(
                    "need 0 <= startIter <= maxIter, got startIter="
                            + startIter
                            + ", maxIter="
                            + maxIter);
        }
        LOG.info("Starting training from iteration {}", startIter);
        this.startIter = startIter;
        this.maxIter = maxIter;
        this.iter = startIter;
        this.nextIter = startIter;
        this.stopReason = null;
        this.failure = null;
        this.failedHook = null;
        this.storage = new EventStorage(startIter);
        try (EventStorage.Scope active = storage.activate()) {
            try {
                beforeTrain();
                for (iter = startIter; iter < maxIter; iter++) {
                    beforeStep();
                    long t0 = clock.getAsLong();
                    runStep();
                    lastStepNanos = clock.getAsLong() - t0;
                    nextIter = iter + 1;
                    afterStep();
                    if (stopReason != null) {
                        LOG.info("Stopping after iteration {}: {}", iter, stopReason);
                        iter++;
                        break;
                    }
                }
            } catch (RuntimeException | Error e) {
                LOG.error("Exception during training at iteration {}:", iter, e);
                failure = e;
                runAfterTrain(e);
                throw e;
            }
            runAfterTrain(null);
        }
    }

    /**
     * One training iteration: fetch data, forward, backward, {@link #afterBackward()}, update.
     */
    protected abstract void runStep();

    /** Runs every hook's {@code beforeTrain}. */
    protected void beforeTrain() {
        eachHook("beforeTrain", Hook::beforeTrain);
    }

    /**
     * Calls one callback of every hook in order; the hook whose callback throws is recorded for
     * {@link #failedHook()}.
     */
    private void eachHook(String callback, Consumer<Hook> call) {
        for (Hook h : hooks) {
            try {
                call.accept(h);
            } catch (RuntimeException | Error e) {
                if (failedHook == null) {
                    failedHook = "hook " + h.name() + " (" + callback + ")";
                }
                throw e;
            }
        }
    }

    /**
     * @return the hook whose callback threw the exception that ended the last {@link #train}, as
     *     {@code hook <name> (<callback>)}, such as {@code hook eval (afterStep)}; empty when
     *     training ended otherwise (in the step itself, say)
     */
    public Optional<String> failedHook() {
        return Optional.ofNullable(failedHook);
    }

    /**
     * Runs every hook's {@code afterTrain}, each one even when one before it failed (so writers
     * close and final checkpoints are written when, say, a check of the results fails); the first
     * failure is rethrown with the later ones suppressed.
     */
    protected void afterTrain() {
        storage.setIter(iter);
        RuntimeException failure = null;
        for (Hook h : hooks) {
            try {
                h.afterTrain();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    LOG.error("Hook '{}' failed in afterTrain too:", h.name(), e);
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Runs every hook's {@code beforeStep}. */
    protected void beforeStep() {
        storage.setIter(iter);
        eachHook("beforeStep", Hook::beforeStep);
    }

    /** Runs every hook's {@code afterBackward}; a {@link #runStep()} calls it. */
    protected void afterBackward() {
        eachHook("afterBackward", Hook::afterBackward);
    }

    /** Runs every hook's {@code afterStep}. */
    protected void afterStep() {
        eachHook("afterStep", Hook::afterStep);
    }

    private void runAfterTrain(Throwable failure) {
        try {
            afterTrain();
        } catch (RuntimeException | Error e) {
            if (failure == null) {
                throw e;
            }
            LOG.error("A hook failed in afterTrain after training had failed:", e);
            failure.addSuppressed(e);
        }
    }

    /**
     * The state to save so that training can resume exactly: the iteration to resume at and the
     * state of each {@link StatefulHook} that {@link StatefulHook#hasState has one}. Subclasses add
     * their own through {@link #extraState()}.
     *
     * @return the state
     */
    @Override
    public TrainerState state() {
        Map<String, Map<String, Object>> hookStates = new LinkedHashMap<>();
        for (Hook h : hooks) {
            if (hasState(h)) {
                hookStates.put(h.name(), ((StatefulHook) h).saveState());
            }
        }
        return new TrainerState(nextIter, hookStates, extraState());
    }

    /**
     * Restores what {@link #state()} returned: every registered stateful hook gets its state back
     * (a hook without saved state is left as it is and logged), and the iteration becomes the one
     * {@link #train} should start at.
     *
     * @param state the saved state
     */
    public void loadState(TrainerState state) {
        Map<String, Map<String, Object>> remaining = new HashMap<>(state.hooks());
        for (Hook h : hooks) {
            if (hasState(h)) {
                Map<String, Object> saved = remaining.remove(h.name());
                if (saved == null) {
                    LOG.warn("No saved state for hook '{}'; it starts fresh", h.name());
                } else {
                    ((StatefulHook) h).loadState(saved);
                }
            }
        }
        if (!remaining.isEmpty()) {
            LOG.warn("Saved state of hooks not registered now is ignored: {}", remaining.keySet());
        }
        loadExtraState(state.extra());
        iter = state.iteration();
        nextIter = state.iteration();
    }

    private static boolean hasState(Hook hook) {
        return hook instanceof StatefulHook stateful && stateful.hasState();
    }

    /** @return the trainer's own state for {@link #state()}; none by default */
    protected Map<String, Object> extraState() {
        return Map.of();
    }

    /**
     * Restores what {@link #extraState()} returned.
     *
     * @param extra the saved state
     */
    protected void loadExtraState(Map<String, Object> extra) {}

    @Override
    public long iter() {
        return iter;
    }

    @Override
    public long startIter() {
        return startIter;
    }

    @Override
    public long maxIter() {
        return maxIter;
    }

    @Override
    public EventStorage storage() {
        return storage;
    }

    @Override
    public double lastStepSeconds() {
        return lastStepNanos / 1e9;
    }

    @Override
    public long nanoTime() {
        return clock.getAsLong();
    }

    /**
     * Sets this process's place among the processes that train one model together.
     *
     * @param rank this process's rank, {@code 0 <= rank < worldSize}
     * @param worldSize the number of processes, at least 1
     * @throws IllegalArgumentException when the rank is outside the world
     */
    public void setRank(int rank, int worldSize) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException(
                    "rank " + rank + " is not one of " + worldSize + " processes");
        }
        this.rank = rank;
        this.worldSize = worldSize;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public void requestStop(String reason) {
        stopReason = reason;
    }

    @Override
    public boolean isStopRequested() {
        return stopReason != null;
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }
}
