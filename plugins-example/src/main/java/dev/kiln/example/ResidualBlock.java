package dev.kiln.example;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One residual block of a {@link ResidualMlp}: {@code relu(x + linear2(relu(linear1(x))))}, both
 * linear layers as wide as the input, so the skip connection adds arrays of one shape.
 */
final class ResidualBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear first;
    private final Linear second;

    /** @param width the width of the input, of the hidden layer and of the output */
    ResidualBlock(int width) {
        super(VERSION);
        first = addChildBlock("linear1", Linear.builder().setUnits(width).build());
        second = addChildBlock("linear2", Linear.builder().setUnits(width).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray hidden =
                Activation.relu(first.forward(parameterStore, inputs, training, params).head());
        NDArray branch =
                second.forward(parameterStore, new NDList(hidden), training, params).head();
        return new NDList(Activation.relu(x.add(branch)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        first.initialize(manager, dataType, inputShapes);
        second.initialize(manager, dataType, first.getOutputShapes(inputShapes));
    }
}
