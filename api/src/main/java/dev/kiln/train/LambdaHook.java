package dev.kiln.train;

import java.util.function.Consumer;

/**
 * A {@link Hook} made of lambdas, for small callbacks that do not deserve a class:
 *
 * <pre>{@code
 * trainer.registerHooks(LambdaHook.builder()
 *         .afterStep(t -> t.storage().putScalar("lr", optimizer.getLearningRate(), false))
 *         .build());
 * }</pre>
 */
public final class LambdaHook extends HookBase {

    private static final Consumer<TrainerView> NONE = t -> {};

    private final String name;
    private final Consumer<TrainerView> beforeTrain;
    private final Consumer<TrainerView> afterTrain;
    private final Consumer<TrainerView> beforeStep;
    private final Consumer<TrainerView> afterBackward;
    private final Consumer<TrainerView> afterStep;

    private LambdaHook(Builder b) {
        name = b.name;
        beforeTrain = b.beforeTrain;
        afterTrain = b.afterTrain;
        beforeStep = b.beforeStep;
        afterBackward = b.afterBackward;
        afterStep = b.afterStep;
    }

    /** @return a builder whose callbacks all do nothing */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void beforeTrain() {
        beforeTrain.accept(trainer());
    }

    @Override
    public void afterTrain() {
        afterTrain.accept(trainer());
    }

    @Override
    public void beforeStep() {
        beforeStep.accept(trainer());
    }

    @Override
    public void afterBackward() {
        afterBackward.accept(trainer());
    }

    @Override
    public void afterStep() {
        afterStep.accept(trainer());
    }

    /** Collects the callbacks of a {@link LambdaHook}. */
    public static final class Builder {
        private String name = "LambdaHook";
        private Consumer<TrainerView> beforeTrain = NONE;
        private Consumer<TrainerView> afterTrain = NONE;
        private Consumer<TrainerView> beforeStep = NONE;
        private Consumer<TrainerView> afterBackward = NONE;
        private Consumer<TrainerView> afterStep = NONE;

        private Builder() {}

        /**
         * @param name the hook's name, for logs
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * @param callback runs before training
         * @return this builder
         */
        public Builder beforeTrain(Consumer<TrainerView> callback) {
            beforeTrain = callback;
            return this;
        }

        /**
         * @param callback runs after training
         * @return this builder
         */
        public Builder afterTrain(Consumer<TrainerView> callback) {
            afterTrain = callback;
            return this;
        }

        /**
         * @param callback runs before each iteration
         * @return this builder
         */
        public Builder beforeStep(Consumer<TrainerView> callback) {
            beforeStep = callback;
            return this;
        }

        /**
         * @param callback runs after each backward pass
         * @return this builder
         */
        public Builder afterBackward(Consumer<TrainerView> callback) {
            afterBackward = callback;
            return this;
        }

        /**
         * @param callback runs after each iteration
         * @return this builder
         */
        public Builder afterStep(Consumer<TrainerView> callback) {
            afterStep = callback;
            return this;
        }

        /** @return the hook */
        public LambdaHook build() {
            return new LambdaHook(this);
        }
    }
}
