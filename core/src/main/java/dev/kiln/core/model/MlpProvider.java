package dev.kiln.core.model;

import ai.djl.nn.Block;
import com.typesafe.config.Config;
import dev.kiln.model.ModelProvider;
import dev.kiln.model.ModelShape;
import dev.kiln.spi.KilnExtension;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The built-in model {@code mlp}: {@link Mlp} with the settings of {@code kiln.model}. */
@KilnExtension(
        name = "mlp",
        description = "multilayer perceptron: hidden-sizes, activation, dropout")
public final class MlpProvider implements ModelProvider {

    private final Config model;

    /** @param kiln the whole {@code kiln} config */
    @Inject
    public MlpProvider(@Named("kiln") Config kiln) {
        this.model = kiln.getConfig("model");
    }

    @Override
    public Block create(ModelShape shape) {
        return Mlp.builder()
                .hiddenSizes(model.getIntList("hidden-sizes"))
                .activation(model.getString("activation"))
                .dropout((float) model.getDouble("dropout"))
                .outputSize(shape.outputs())
                .flattenInput(shape.exampleShape().dimension() > 1)
                .build();
    }
}
