package dev.kiln.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds a multi-layer perceptron as a DJL {@link SequentialBlock}: for each hidden size a {@link
 * Linear} layer, an activation and optionally {@link Dropout}, then a linear output layer with no
 * activation (logits).
 *
 * <p>The input size is inferred when the block is initialised with an input shape of (batch,
 * features). Layers get readable names, so parameters are called {@code 01hidden1_weight}, {@code
 * 04hidden2_bias}, ..., {@code 07output_weight}.
 */
public final class Mlp {

    private static final Map<String, Supplier<Block>> ACTIVATIONS = activations();

    private final List<Integer> hiddenSizes = new ArrayList<>();
    private int outputSize;
    private String activation = "relu";
    private float dropout;
    private boolean flatten;

    private Mlp() {}

    /**
     * Starts describing an MLP (default activation {@code relu}, no dropout, no hidden layer).
     *
     * @return a new builder
     */
    public static Mlp builder() {
        return new Mlp();
    }

    /**
     * Returns the activation names {@link #activation(String)} accepts; each works on both the
     * PyTorch and MXNet engines.
     *
     * @return the names, in a fixed order
     */
    public static List<String> activationNames() {
        return List.copyOf(ACTIVATIONS.keySet());
    }

    /**
     * Sets the widths of the hidden layers, input side first.
     *
     * @param sizes the hidden sizes, each at least 1
     * @return this builder
     */
    public Mlp hiddenSizes(int... sizes) {
        List<Integer> list = new ArrayList<>();
        for (int size : sizes) {
            list.add(size);
        }
        return hiddenSizes(list);
    }

    /**
     * Sets the widths of the hidden layers, input side first.
     *
     * @param sizes the hidden sizes, each at least 1
     * @return this builder
     */
    public Mlp hiddenSizes(List<Integer> sizes) {
        for (int size : sizes) {
            if (size < 1) {
                throw new IllegalArgumentException("hidden sizes must be at least 1, got " + sizes);
            }
        }
        hiddenSizes.clear();
        hiddenSizes.addAll(sizes);
        return this;
    }

    /**
     * Sets the number of outputs, such as the number of classes.
     *
     * @param outputSize at least 1
     * @return this builder
     */
    public Mlp outputSize(int outputSize) {
        if (outputSize < 1) {
            throw new IllegalArgumentException("output size must be at least 1, got " + outputSize);
        }
        this.outputSize = outputSize;
        return this;
    }

    /**
     * Sets the activation after each hidden layer, by name (case-insensitive).
     *
     * @param name one of {@link #activationNames()}
     * @return this builder
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public Mlp activation(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!ACTIVATIONS.containsKey(key)) {
            throw new IllegalArgumentException(
                    "unknown activation \""
                            + name
                            + "\"; valid: "
                            + String.join(", ", ACTIVATIONS.keySet()));
        }
        this.activation = key;
        return this;
    }

    /**
     * Sets the dropout probability after each hidden activation; 0 adds no dropout layers.
     * Dropout is only active in training mode.
     *
     * @param probability in [0, 1)
     * @return this builder
     */
    public Mlp dropout(float probability) {
        if (!(probability >= 0 && probability < 1)) {
            throw new IllegalArgumentException(
                    "dropout probability must be in [0, 1), got " + probability);
        }
        this.dropout = probability;
        return this;
    }

    /**
     * Makes the block flatten each example first, for examples with more than one axis (such as
     * images of shape (1, 28, 28)); a flattening layer has no parameters, so the parameter names
     * are those of an MLP over the flattened vectors.
     *
     * @param flatten whether to flatten
     * @return this builder
     */
    public Mlp flattenInput(boolean flatten) {
        this.flatten = flatten;
        return this;
    }

    /**
     * Builds the block. It still needs {@code initialize(manager, DataType.FLOAT32, new
     * Shape(batch, features))}.
     *
     * @return a new, uninitialised block
     * @throws IllegalStateException if the output size is not set
     */
    public SequentialBlock build() {
        if (outputSize < 1) {
            throw new IllegalStateException("the MLP's output size is not set");
        }
        NamedSequentialBlock block = new NamedSequentialBlock();
        if (flatten) {
            block.add("flatten", Blocks.batchFlattenBlock());
        }
        for (int i = 0; i < hiddenSizes.size(); i++) {
            int layer = i + 1;
            block.add("hidden" + layer, Linear.builder().setUnits(hiddenSizes.get(i)).build());
            block.add(activation + layer, ACTIVATIONS.get(activation).get());
            if (dropout > 0) {
                block.add("dropout" + layer, Dropout.builder().optRate(dropout).build());
            }
        }
        block.add("output", Linear.builder().setUnits(outputSize).build());
        return block;
    }

    @Override
    public String toString() {
        return "Mlp(hidden="
                + hiddenSizes
                + ", output="
                + outputSize
                + ", activation="
                + activation
                + ", dropout="
                + dropout
                + ")";
    }

    private static Map<String, Supplier<Block>> activations() {
        Map<String, Supplier<Block>> map = new LinkedHashMap<>();
        map.put("relu", Activation::reluBlock);
        map.put("relu6", Activation::relu6Block);
        map.put("leaky-relu", () -> Activation.leakyReluBlock(0.01f));
        map.put("elu", () -> Activation.eluBlock(1f));
        map.put("selu", Activation::seluBlock);
        map.put("gelu", Activation::geluBlock);
        map.put("swish", () -> Activation.swishBlock(1f));
        // DJL 0.36's Activation.mish uses log2 instead of ln; this is x * tanh(softplus(x)).
        map.put("mish", () -> new LambdaBlock(Mlp::mish, "Mish"));
        map.put("tanh", Activation::tanhBlock);
        map.put("sigmoid", Activation::sigmoidBlock);
        map.put("softplus", Activation::softPlusBlock);
        map.put("softsign", Activation::softSignBlock);
        return Collections.unmodifiableMap(map);
    }

    private static NDList mish(NDList input) {
        NDArray x = input.singletonOrThrow();
        return new NDList(x.mul(Activation.softPlus(x).tanh()));
    }

    /** A sequential block whose children are added under names of our choosing. */
    private static final class NamedSequentialBlock extends SequentialBlock {
        void add(String name, Block child) {
            addChildBlock(name, child);
        }
    }
}
