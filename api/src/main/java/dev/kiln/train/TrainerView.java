package dev.kiln.train;

import dev.kiln.events.EventStorage;
import java.util.List;
import java.util.Optional;

/** What hooks see of the trainer that runs them. */
public interface TrainerView {

    /** @return the iteration running now; after training, the iteration training would resume at */
    long iter();

    /** @return the first iteration of this call to {@code train} */
    long startIter();

    /** @return the iteration training stops before */
    long maxIter();

    /** @return the storage of the running training */
    EventStorage storage();

    /**
     * Returns the time of the last step on the trainer's clock: the whole {@code runStep} call,
     * which includes fetching the batch and every hook's {@code afterBackward}, but not {@code
     * beforeStep} or {@code afterStep}.
     *
     * @return seconds
     */
    double lastStepSeconds();

    /**
     * Returns the trainer's clock, which times its steps; hooks that time anything else read it
     * too, so their figures and the steps' agree.
     *
     * @return nanoseconds from an arbitrary origin, like {@link System#nanoTime()}
     */
    long nanoTime();

    /**
     * Asks the trainer to stop cleanly after the current iteration: the remaining hooks of this
     * iteration and every {@code afterTrain} still run.
     *
     * @param reason why, for the log
     */
    void requestStop(String reason);

    /** @return whether a stop was requested */
    boolean isStopRequested();

    /**
     * Tells whether and how this call to {@code train} failed, for the {@code afterTrain} hooks: a
     * final checkpoint or evaluation makes sense after a clean end, not after a failure.
     *
     * <p>It holds the exception that ended training (thrown by a step, or by a hook's {@code
     * beforeTrain}, {@code beforeStep}, {@code afterBackward} or {@code afterStep}), set before the
     * first {@code afterTrain} runs; the trainer rethrows it once they all have. It is empty while
     * training runs, after training reached {@link #maxIter()} and after a {@link #requestStop
     * requested stop}. A hook that fails in {@code afterTrain} does not set it: the hooks after it
     * still see how training itself ended. It keeps its value after {@code train} returns or
     * throws, until the next call.
     *
     * @return the exception training failed with; empty when it did not fail
     */
    Optional<Throwable> failure();

    /**
     * Returns what a checkpoint must hold besides the arrays so training can resume exactly: the
     * iteration to resume at, each stateful hook's state and the trainer's own (the data position).
     *
     * @return the state now
     */
    TrainerState state();

    /**
     * The hooks registered with the trainer, in the order they run, so that a hook can find others
     * by an interface of the API (for example the {@link WeightsVariant}s an evaluation also
     * evaluates) without knowing their plugins.
     *
     * @return the registered hooks, unmodifiable
     */
    List<Hook> hooks();

    /**
     * This process's place among the processes that train one model together ({@code kiln train
     * --nproc}): 0 when it trains alone. Only rank 0 writes the run directory; a hook that writes
     * files (checkpoints, say) writes on rank 0 only, and every other hook runs the same on every
     * rank.
     *
     * @return the rank, {@code 0 <= rank < worldSize()}
     */
    int rank();

    /** @return the number of processes training one model together; 1 when it trains alone */
    int worldSize();
}
