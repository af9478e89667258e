package dev.kiln.train;

import dev.kiln.spi.KilnExtension;

/**
 * A callback the trainer calls around training and each iteration, in registration order: {@link
 * #beforeTrain}, then per iteration {@link #beforeStep}, {@link #afterBackward} (inside the step,
 * after gradients exist and before the optimizer uses them), {@link #afterStep}; {@link
 * #afterTrain} runs at the end, also after a failure. All callbacks do nothing by default.
 *
 * <p>A hook whose progress must survive a resume (a best value, a counter) implements {@link
 * StatefulHook}; the checkpoint keys its state by {@link #name()}.
 *
 * <h2>Where hook time is counted</h2>
 *
 * {@link TrainerBase} times each call of its {@code runStep} on the trainer's clock ({@link
 * TrainerView#nanoTime()}) and reports it as {@link TrainerView#lastStepSeconds()}; the iteration
 * timer records that as the scalar {@code time}. In {@link SimpleTrainer} the step is: fetch the
 * batch, forward, backward, every hook's {@code afterBackward}, gradient clipping, the optimizer
 * step, recording the losses. So the time of {@code afterBackward} is part of {@code time}, and
 * the time of {@code beforeStep} and {@code afterStep} is not; the iteration timer's summary at the
 * end counts those (and the {@code beforeTrain} of the hooks after it) as the time "on hooks".
 * {@code data_time} is the {@link dev.kiln.data.BatchSource#next} call alone, on the same clock;
 * it is part of {@code time} too. A hook that times anything reads {@link TrainerView#nanoTime()}
 * rather than {@link System#nanoTime()}, so its figures agree with the trainer's, also on a
 * test's clock.
 *
 * <h2>Reading gradients in {@code afterBackward}</h2>
 *
 * When {@code afterBackward} runs, each parameter's gradient holds what the backward pass
 * computed, not yet clipped ({@code kiln.solver.clip-gradients}) and not yet used by the optimizer.
 * {@code parameter.getArray().getGradient()} returns a <em>new</em> {@code NDArray} on each call,
 * on the manager of the model's parameters, which lives as long as the model: the hook must close
 * it, and every array it computes from it, or they stay in memory (device memory on a GPU) for the
 * rest of the run. A hook must not keep the arrays past the callback either; it keeps plain
 * numbers. The global L2 norm of the gradients, as {@code grad_norm}:
 *
 * <pre>{@code
 * @KilnExtension(name = "grad-norm", description = "puts the global L2 norm of the gradients")
 * public final class GradNormHook extends HookBase {
 *     private final Block model;
 *
 *     @Inject // jakarta.inject.Inject
 *     public GradNormHook(Block model) {
 *         this.model = model;
 *     }
 *
 *     public void afterBackward() {
 *         double sumOfSquares = 0;
 *         for (Parameter parameter : model.getParameters().values()) {
 *             NDArray weight = parameter.getArray();
 *             if (!weight.hasGradient()) {
 *                 continue;
 *             }
 *             // getGradient() and norm() each create an array: close both
 *             try (NDArray gradient = weight.getGradient(); NDArray norm = gradient.norm()) {
 *                 double value = norm.getFloat();
 *                 sumOfSquares += value * value;
 *             }
 *         }
 *         trainer().storage().putScalar("grad_norm", Math.sqrt(sumOfSquares));
 *     }
 * }
 * }</pre>
 *
 * The console writer shows it in its progress line when asked to: {@code kiln.console.show =
 * [grad_norm]}.
 */
public interface Hook {

    /**
     * Called once when the hook is registered with a trainer, before any other callback.
     *
     * @param trainer the trainer's view: iteration, storage, stop request
     */
    default void attach(TrainerView trainer) {}

    /** Called once before the first iteration. */
    default void beforeTrain() {}

    /**
     * Called once after the last iteration, also when training failed or was stopped; {@link
     * TrainerView#failure()} tells a failure (and which exception) from a clean end, {@link
     * TrainerView#isStopRequested()} a requested stop from reaching the last iteration.
     */
    default void afterTrain() {}

    /** Called before each iteration, outside the step's time. */
    default void beforeStep() {}

    /**
     * Called inside each iteration's step, after the backward pass and before gradient clipping
     * and the optimizer step: the gradients are the backward pass's own (see "Reading gradients"
     * above). Its time is part of the step's ({@code time}). A trainer of one's own calls it from
     * its {@code runStep} through {@link TrainerBase#afterBackward()}.
     */
    default void afterBackward() {}

    /**
     * Called after each iteration, outside the step's time; {@link TrainerView#lastStepSeconds()}
     * is the step's.
     */
    default void afterStep() {}

    /**
     * Returns the hook's name, for logs and, for a {@link StatefulHook}, as the key its state is
     * saved under. By default it is the extension's name when the hook's class carries {@link
     * KilnExtension} ({@code @KilnExtension(name = "grad-norm")} gives {@code
     * grad-norm}, the name the config selects it by), else the class's simple name. The
     * annotation is read from the class itself: a subclass of an extension is named by its own.
     *
     * @return the name; unique among a trainer's stateful hooks
     */
    default String name() {
        KilnExtension extension = getClass().getAnnotation(KilnExtension.class);
        return extension != null ? extension.name() : getClass().getSimpleName();
    }
}
