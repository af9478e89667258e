package dev.kiln.ema;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import dev.kiln.model.ModelProvider;
import dev.kiln.model.ModelShape;
import dev.kiln.spi.KilnExtension;

/** A test model with batch normalization, whose running statistics are parameters too. */
@KilnExtension(name = "bn-mlp", description = "linear 16, batch norm, relu, linear")
public final class BnMlpProvider implements ModelProvider {

    @Override
    public Block create(ModelShape shape) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(BatchNorm.builder().build())
                .add((NDList x) -> new NDList(Activation.relu(x.singletonOrThrow())))
                .add(Linear.builder().setUnits(shape.outputs()).build());
    }
}
