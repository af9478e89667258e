package dev.kiln.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * A residual network (He et al., "Deep Residual Learning for Image Recognition", 2015) of depth
 * 18, 34 or 50, for images of any number of channels: a stem, four stages of {@link
 * ResidualUnit}s, global average pooling and a linear layer of one unit per class.
 *
 * <ul>
 *   <li>stem, {@code smallInput} false (the ImageNet layout): 7x7 convolution of stride 2, batch
 *       norm, ReLU, 3x3 max-pool of stride 2; true (for images of about 28 to 32 pixels, as
 *       MNIST's and CIFAR's): 3x3 convolution of stride 1, batch norm, ReLU, no pool;
 *   <li>stages: {@code width}, 2, 4 and 8 x {@code width} channels (times 4 at the output of a
 *       bottleneck unit); 2, 2, 2, 2 basic units for depth 18, 3, 4, 6, 3 basic units for 34, and
 *       3, 4, 6, 3 bottleneck units for 50; the first unit of stages 2 to 4 halves the height and
 *       width.
 * </ul>
 *
 * <p>With {@code width} 64, 3 input channels and 1000 classes the trainable parameters are as
 * many as torchvision's {@code resnet18}, {@code resnet34} and {@code resnet50} have.
 *
 * <p>Written here rather than taken from DJL's {@code
 * ai.djl.basicmodelzoo.cv.classification.ResNetV1} (of {@code ai.djl:model-zoo}), which does not
 * do what these settings ask: its channel counts are fixed (no width); it chooses the stem from
 * the image height instead of a setting, and its 3x3 stem has no batch norm or ReLU; for images
 * of 28 pixels or fewer it builds a three-stage network whose depth must be 6n+2, so 18 and 34 are
 * refused and 50 is not ResNet-50; and above that it builds depths 18 and 34 from bottleneck
 * units.
 *
 * @param depth 18, 34 or 50
 * @param width the channels of the stem and the first stage, at least 1
 * @param smallInput whether to use the stem for small images
 */
public record ResNet(int depth, int width, boolean smallInput) {

    /** The depths there is a layout for. */
    public static final List<Integer> DEPTHS = List.of(18, 34, 50);

    /**
     * @throws IllegalArgumentException for a depth not in {@link #DEPTHS} or a width below 1
     */
    public ResNet {
        if (!DEPTHS.contains(depth)) {
            throw new IllegalArgumentException("depth must be 18, 34 or 50, got " + depth);
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, got " + width);
        }
        Math.multiplyExact(32, width); // the channels of the last stage must fit
    }

    /**
     * @return how many times the network shrinks the height and width: 8 with the small stem, 32
     *     with the other; an image should be at least this large
     */
    public int downsampling() {
        return smallInput ? 8 : 32;
    }

    /** @return whether the units are bottleneck units (depth 50) */
    public boolean bottleneck() {
        return depth >= 50;
    }

    /** @return the number of units in each of the four stages */
    public List<Integer> unitsPerStage() {
        return depth == 18 ? List.of(2, 2, 2, 2) : List.of(3, 4, 6, 3);
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
        model.then("stem", stem());
        int channels = width;
        List<Integer> units = unitsPerStage();
        for (int stage = 0; stage < units.size(); stage++) {
            NamedSequence layers = new NamedSequence();
            int inner = width << stage;
            int out = bottleneck() ? 4 * inner : inner;
            for (int unit = 0; unit < units.get(stage); unit++) {
                int stride = stage > 0 && unit == 0 ? 2 : 1;
                boolean project = stride != 1 || channels != out;
                layers.then(
                        "unit" + (unit + 1),
                        bottleneck()
                                ? ResidualUnit.bottleneck(inner, stride, project)
                                : ResidualUnit.basic(inner, stride, project));
                channels = out;
            }
            model.then("stage" + (stage + 1), layers);
        }
        return model.then("pool", Pool.globalAvgPool2dBlock())
                .then("flatten", Blocks.batchFlattenBlock())
                .then("output", Linear.builder().setUnits(outputs).build());
    }

    private Block stem() {
        int kernel = smallInput ? 3 : 7;
        int stride = smallInput ? 1 : 2;
        int pad = (kernel - 1) / 2;
        NamedSequence stem =
                new NamedSequence()
                        .then(
                                "conv",
                                Conv2d.builder()
                                        .setKernelShape(new Shape(kernel, kernel))
                                        .setFilters(width)
                                        .optStride(new Shape(stride, stride))
                                        .optPadding(new Shape(pad, pad))
                                        .optBias(false)
                                        .build())
                        .then("bn", BatchNorm.builder().build())
                        .then("relu", Activation.reluBlock());
        if (!smallInput) {
            stem.then(
                    "pool", Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        }
        return stem;
    }
}
