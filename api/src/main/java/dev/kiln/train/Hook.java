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

    /** Called before each iteration. */
    default void beforeStep() {}

    /** Called inside each iteration, after the backward pass and before the optimizer step. */
    default void afterBackward() {}

    /** Called after each iteration. */
    default void afterStep() {}

    /**
     * Returns the hook's name, for logs and, for a {@link StatefulHook}, as the key its state is
     * saved under. By default it is the extension's name when the hook's class carries {@link
     * KilnExtension} ({@code @KilnExtension(name = "best-checkpoint")} gives {@code
     * best-checkpoint}, the name the config selects it by), else the class's simple name. The
     * annotation is read from the class itself: a subclass of an extension is named by its own.
     *
     * @return the name; unique among a trainer's stateful hooks
     */
    default String name() {
        KilnExtension extension = getClass().getAnnotation(KilnExtension.class);
        return extension != null ? extension.name() : getClass().getSimpleName();
    }
}
