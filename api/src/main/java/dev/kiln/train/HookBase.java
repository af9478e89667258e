package dev.kiln.train;

/** A {@link Hook} that keeps the trainer it is attached to, for subclasses to read. */
public abstract class HookBase implements Hook {

    private TrainerView trainer;

    @Override
    public void attach(TrainerView trainer) {
        this.trainer = trainer;
    }

    /**
     * @return the trainer this hook is attached to
     * @throws IllegalStateException before the hook is registered with a trainer
     */
    protected TrainerView trainer() {
        if (trainer == null) {
            throw new IllegalStateException(name() + " is not registered with a trainer");
        }
        return trainer;
    }
}
