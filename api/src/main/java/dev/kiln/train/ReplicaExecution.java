package dev.kiln.train;

/**
 * How a {@link SimpleTrainer} runs its {@link Replica replicas}' forward and backward passes: in
 * turn on the calling thread, or each on a thread of its own while the model runs on the calling
 * thread. Either way the gradients, and so the parameters, are the same when the engine computes
 * each operation the same way on every thread.
 */
public final class ReplicaExecution {

    private static final ReplicaExecution IN_TURN = new ReplicaExecution(null);

    private final Runnable threadSetup;

    private ReplicaExecution(Runnable threadSetup) {
        this.threadSetup = threadSetup;
    }

    /**
     * One worker after the other on the calling thread, each micro-batch under a gradient
     * collector of its own; for engines whose front end is not thread-safe (DJL's MXNet).
     *
     * @return the execution
     */
    public static ReplicaExecution inTurn() {
        return IN_TURN;
    }

    /**
     * Each replica on a thread of its own (created for each {@link SimpleTrainer#train} and
     * stopped after it), the model on the calling thread, all under one gradient collector that
     * the calling thread opens for the step: for engines whose front end is thread-safe and that
     * record gradients on every thread under one open collector (DJL's PyTorch, where only one
     * collector may be open at a time in the process). The loss function is then called from
     * several threads at once and must not keep state across calls.
     *
     * @param threadSetup run first on each replica thread, for the engine's per-thread settings
     *     (such as gradient recording and the number of threads one operation may use)
     * @return the execution
     */
    public static ReplicaExecution threads(Runnable threadSetup) {
        return new ReplicaExecution(threadSetup);
    }

    /** @return whether the replicas run on threads of their own */
    public boolean parallel() {
        return threadSetup != null;
    }

    Runnable threadSetup() {
        return threadSetup;
    }

    @Override
    public String toString() {
        return parallel() ? "on threads of their own" : "in turn";
    }
}
