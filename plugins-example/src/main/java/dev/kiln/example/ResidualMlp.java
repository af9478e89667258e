package dev.kiln.example;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/**
 * A small residual multilayer perceptron: a linear projection of the input to {@code width}
 * with ReLU, {@code blocks} {@link ResidualBlock}s of that width, and a linear output layer of one
 * unit per class. The skip connections let it go deeper than a plain MLP of the same width
 * without the gradient fading.
 */
public final class ResidualMlp {

    private ResidualMlp() {}

    /**
     * Builds the model.
     *
     * @param width the width of the projection and of every residual block, at least 1
     * @param blocks how many residual blocks, at least 1
     * @param outputs how many classes
     * @return the model, not yet initialized
     * @throws IllegalArgumentException when a size is below 1
     */
    public static Block build(int width, int blocks, int outputs) {
        if (width < 1 || blocks < 1 || outputs < 1) {
            throw new IllegalArgumentException(
                    "width, blocks and outputs must be at least 1, got "
                            + width
                            + ", "
                            + blocks
                            + ", "
                            + outputs);
        }
        SequentialBlock model = new SequentialBlock();
        model.add(Linear.builder().setUnits(width).build());
        model.add(Activation.reluBlock());
        for (int i = 0; i < blocks; i++) {
            model.add(new ResidualBlock(width));
        }
        model.add(Linear.builder().setUnits(outputs).build());
        return model;
    }
}
