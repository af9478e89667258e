package dev.kiln.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * One residual unit of a {@link ResNet}: {@code relu(branch(x) + shortcut(x))}, where the branch
 * is a stack of convolutions, each followed by batch norm and all but the last by ReLU, and the
 * shortcut is {@code x} itself or, when the unit changes the number of channels or the size, a
 * 1x1 convolution of the unit's stride followed by batch norm.
 *
 * <ul>
 *   <li>basic (ResNet-18/34): 3x3 (stride s), 3x3; {@code channels} out;
 *   <li>bottleneck (ResNet-50): 1x1 to {@code channels}, 3x3 (stride s), 1x1 to {@code 4 x
 *       channels} out. The stride sits on the 3x3 convolution, as in torchvision's ResNet
 *       ("v1.5").
 * </ul>
 *
 * <p>The unit is a block of its own rather than a DJL {@code ParallelBlock} of two sequences:
 * its output shape is worked out from the convolutions' settings, where a {@code ParallelBlock}
 * (and a ReLU {@code LambdaBlock}) would find it by running the join on arrays of the full batch
 * shape, allocated on the default engine, once per unit. No convolution has a bias: the batch
 * norm after it has one.
 */
final class ResidualUnit extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The convolution and batch norm pairs of the branch, input side first. */
    private final List<Block[]> branch = new ArrayList<>();

    /** The shortcut's convolution and batch norm, or null for the identity. */
    private final Block[] projection;

    private ResidualUnit(List<int[]> convolutions, int stride, int outputs, boolean project) {
        super(VERSION);
        int index = 1;
        for (int[] c : convolutions) {
            int filters = c[0];
            int kernel = c[1];
            int convStride = c[2];
            Block conv = addChildBlock("conv" + index, conv(filters, kernel, convStride));
            Block norm = addChildBlock("bn" + index, BatchNorm.builder().build());
            branch.add(new Block[] {conv, norm});
            index++;
        }
        if (project) {
            Block conv = addChildBlock("shortcut_conv", conv(outputs, 1, stride));
            Block norm = addChildBlock("shortcut_bn", BatchNorm.builder().build());
            projection = new Block[] {conv, norm};
        } else {
            projection = null;
        }
    }

    /**
     * A basic unit: two 3x3 convolutions of {@code channels} filters.
     *
     * @param channels the unit's output channels
     * @param stride 1, or 2 to halve the height and width
     * @param project whether the shortcut is a projection (the input has other channels or the
     *     stride is not 1) rather than the identity
     * @return the unit
     */
    static ResidualUnit basic(int channels, int stride, boolean project) {
        return new ResidualUnit(
                List.of(new int[] {channels, 3, stride}, new int[] {channels, 3, 1}),
                stride,
                channels,
                project);
    }

    /**
     * A bottleneck unit: 1x1 to {@code channels}, 3x3, 1x1 to {@code 4 x channels}.
     *
     * @param channels the inner channels; the unit outputs four times as many
     * @param stride 1, or 2 to halve the height and width
     * @param project whether the shortcut is a projection rather than the identity
     * @return the unit
     */
    static ResidualUnit bottleneck(int channels, int stride, boolean project) {
        int outputs = Math.multiplyExact(4, channels);
        return new ResidualUnit(
                List.of(
                        new int[] {channels, 1, 1},
                        new int[] {channels, 3, stride},
                        new int[] {outputs, 1, 1}),
                stride,
                outputs,
                project);
    }

    private static Conv2d conv(int filters, int kernel, int stride) {
        int pad = (kernel - 1) / 2;
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .setFilters(filters)
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optBias(false)
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList x = inputs;
        for (int i = 0; i < branch.size(); i++) {
            Block[] pair = branch.get(i);
            x = pair[0].forward(parameterStore, x, training, params);
            x = pair[1].forward(parameterStore, x, training, params);
            if (i < branch.size() - 1) {
                x = new NDList(Activation.relu(x.singletonOrThrow()));
            }
        }
        NDArray shortcut = inputs.singletonOrThrow();
        if (projection != null) {
            NDList projected = projection[0].forward(parameterStore, inputs, training, params);
            shortcut = projection[1].forward(parameterStore, projected, training, params).head();
        }
        return new NDList(Activation.relu(x.singletonOrThrow().add(shortcut)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block[] pair : branch) {
            shapes = pair[0].getOutputShapes(shapes);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block[] pair : branch) {
            pair[0].initialize(manager, dataType, shapes);
            shapes = pair[0].getOutputShapes(shapes);
            pair[1].initialize(manager, dataType, shapes);
        }
        if (projection != null) {
            projection[0].initialize(manager, dataType, inputShapes);
            projection[1].initialize(manager, dataType, projection[0].getOutputShapes(inputShapes));
        }
    }
}
