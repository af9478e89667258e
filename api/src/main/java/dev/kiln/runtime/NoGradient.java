package dev.kiln.runtime;

import ai.djl.engine.Engine;
import java.lang.reflect.Method;

/**
 * A scope in which the engine records no operations for gradients, as PyTorch's {@code
 * torch.no_grad()}: for inference, so that a forward pass builds no autograd graph.
 *
 * <p>DJL's API has no such switch. MXNet records only inside a {@code GradientCollector}, so
 * nothing is needed there. PyTorch's grad mode is per thread, and DJL turns it off only on the
 * thread that loaded the engine; on any other thread a forward pass over parameters that require
 * gradients records the graph. This scope turns the PyTorch grad mode off on the calling thread
 * through the engine's own {@code JniUtils} (found in the engine's class loader, so Kiln does not
 * depend on the engine) and puts it back on {@link #close()}.
 */
public final class NoGradient implements AutoCloseable {

    private static final String PYTORCH_JNI = "ai.djl.pytorch.jni.JniUtils";

    private final Method setGradMode;
    private final boolean previous;

    private NoGradient(Method setGradMode, boolean previous) {
        this.setGradMode = setGradMode;
        this.previous = previous;
    }

    /**
     * Stops recording for gradients on this thread until the scope is closed.
     *
     * @param engine the engine running the forward passes
     * @return the scope to close
     */
    public static NoGradient open(Engine engine) {
        if (!"PyTorch".equals(engine.getEngineName())) {
            return new NoGradient(null, false);
        }
        try {
            Class<?> jni = Class.forName(PYTORCH_JNI, true, engine.getClass().getClassLoader());
            Method isGradMode = jni.getMethod("isGradMode");
            Method setGradMode = jni.getMethod("setGradMode", boolean.class);
            boolean previous = (Boolean) isGradMode.invoke(null);
            setGradMode.invoke(null, false);
            return new NoGradient(setGradMode, previous);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot turn off PyTorch's grad mode through " + PYTORCH_JNI, e);
        }
    }

    /** Puts the grad mode back as it was. */
    @Override
    public void close() {
        if (setGradMode != null && previous) {
            try {
                setGradMode.invoke(null, true);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot restore PyTorch's grad mode", e);
            }
        }
    }
}
