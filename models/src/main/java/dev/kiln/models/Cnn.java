package dev.kiln.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * A plain convolutional network: one block per entry of {@code channels} (a convolution of that
 * many filters with 'same' padding, batch norm if asked, ReLU, a 2x2 max-pool of stride 2 if
 * asked), the feature maps flattened, a ReLU dense layer per entry of {@code hiddenSizes}, and a
 * linear output layer of one unit per class (logits). Dropout, when not 0, comes before each
 * dense layer and before the output layer.
 *
 * <p>A convolution followed by batch norm has no bias (the batch norm's beta takes its place).
 * Children are named, so parameters read well in checkpoints; with two blocks, batch norm,
 * pooling and one dense layer: {@code 01conv1_weight}, {@code 02bn1_gamma}, {@code
 * 02bn1_runningMean}, ..., {@code 10dense1_weight}, {@code 12output_weight}.
 *
 * @param channels the filters of each conv block, input side first; at least one block
 * @param kernel the height and width of every convolution, odd (so 'same' padding is symmetric)
 * @param batchNorm whether each convolution is followed by batch norm
 * @param pool whether each block ends with a 2x2 max-pool, halving height and width
 * @param hiddenSizes the widths of the dense layers before the output layer, maybe none
 * @param dropout the dropout probability before each dense layer, in [0, 1)
 */
public record Cnn(
        List<Integer> channels,
        int kernel,
        boolean batchNorm,
        boolean pool,
        List<Integer> hiddenSizes,
        float dropout) {

    /**
     * @throws IllegalArgumentException when a setting is out of range
     */
    public Cnn {
        channels = List.copyOf(channels);
        hiddenSizes = List.copyOf(hiddenSizes);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("a cnn needs at least one conv block");
        }
        if (channels.size() > 30) {
            throw new IllegalArgumentException(
                    "a cnn has at most 30 conv blocks, got " + channels.size());
        }
        for (List<Integer> sizes : List.of(channels, hiddenSizes)) {
            for (int size : sizes) {
                if (size < 1) {
                    throw new IllegalArgumentException("sizes must be at least 1, got " + sizes);
                }
            }
        }
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("kernel must be odd and at least 1, got " + kernel);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /**
     * @return how many times the blocks shrink the height and width: 2 to the number of blocks
     *     with pooling, else 1; an image must be at least this large
     */
    public int downsampling() {
        return pool ? 1 << channels.size() : 1;
    }

    /**
     * Builds the block. It still needs {@code initialize(manager, DataType.FLOAT32, new
     * Shape(batch, channels, height, width))}.
     *
     * @param outputs the number of classes, at least 1
     * @return a new, uninitialized block
     */
    public Block build(int outputs) {
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be at least 1, got " + outputs);
        }
        NamedSequence model = new NamedSequence();
        int pad = (kernel - 1) / 2;
        for (int i = 0; i < channels.size(); i++) {
            int block = i + 1;
            model.then(
                    "conv" + block,
                    Conv2d.builder()
                            .setKernelShape(new Shape(kernel, kernel))
                            .setFilters(channels.get(i))
                            .optPadding(new Shape(pad, pad))
                            .optBias(!batchNorm)
                            .build());
            if (batchNorm) {
                model.then("bn" + block, BatchNorm.builder().build());
            }
            model.then("relu" + block, Activation.reluBlock());
            if (pool) {
                model.then("pool" + block, Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
        }
        model.then("flatten", Blocks.batchFlattenBlock());
        for (int i = 0; i < hiddenSizes.size(); i++) {
            int layer = i + 1;
            dropout(model, "dropout" + layer);
            model.then("dense" + layer, Linear.builder().setUnits(hiddenSizes.get(i)).build());
            model.then("dense" + layer + "_relu", Activation.reluBlock());
        }
        dropout(model, "output_dropout");
        return model.then("output", Linear.builder().setUnits(outputs).build());
    }

    private void dropout(NamedSequence model, String name) {
        if (dropout > 0) {
            model.then(name, Dropout.builder().optRate(dropout).build());
        }
    }
}
