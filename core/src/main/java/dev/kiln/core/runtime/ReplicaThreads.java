package dev.kiln.core.runtime;

import ai.djl.engine.Engine;
import dev.kiln.train.ReplicaExecution;
import java.lang.reflect.Method;

/**
 * Chooses how an engine runs the replicas of {@code kiln.devices}: PyTorch each replica on a
 * thread of its own, MXNet (whose front end is not thread-safe) and any other engine in turn.
 *
 * <p>libtorch keeps two settings per thread that DJL sets only on the thread that loads the
 * engine: whether gradients are recorded, and how many threads one operation may use. Each
 * replica thread turns recording on, and lets an operation use the calling thread's number of
 * threads divided by the workers (at least one), so that the workers together do not use more
 * threads than one device did. Measured here (two cores, libtorch's CPU build): with the replica
 * threads at the calling thread's count, some matrix products come out a few ulps away from the
 * calling thread's, so the replicas no longer match accumulation bitwise; with one thread each
 * they do. DJL has no public API for these per-thread settings, so they are set through its
 * {@code JniUtils} by reflection. libtorch also keeps the last count set as the one that threads
 * started later begin with; threads already running, the calling thread among them, keep theirs.
 */
public final class ReplicaThreads {

    private static final String PYTORCH_JNI = "ai.djl.pytorch.jni.JniUtils";

    private ReplicaThreads() {}

    /**
     * @param engine the engine of the run
     * @param workers the number of devices the batch is split over
     * @return threads for PyTorch, in turn for other engines
     * @throws IllegalStateException when PyTorch's settings cannot be reached
     */
    public static ReplicaExecution forEngine(Engine engine, int workers) {
        if (!"PyTorch".equals(engine.getEngineName())) {
            return ReplicaExecution.inTurn();
        }
        try {
            Class<?> jni = Class.forName(PYTORCH_JNI, true, engine.getClass().getClassLoader());
            Method getThreads = jni.getMethod("getNumThreads");
            Method setThreads = jni.getMethod("setNumThreads", int.class);
            Method setGradMode = jni.getMethod("setGradMode", boolean.class);
            int callerThreads = (Integer) getThreads.invoke(null);
            int perReplica = Math.max(1, callerThreads / workers);
            return ReplicaExecution.threads(
                    () -> {
                        try {
                            setGradMode.invoke(null, true);
                            setThreads.invoke(null, perReplica);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(
                                    "cannot set up a PyTorch replica thread", e);
                        }
                    });
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(
                    "cannot reach PyTorch's per-thread settings (" + PYTORCH_JNI + ")", e);
        }
    }
}
