package dev.kiln.example;

import ai.djl.nn.Block;
import com.typesafe.config.Config;
import dev.kiln.model.ModelProvider;
import dev.kiln.model.ModelShape;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The model {@code residual-mlp}: a {@link ResidualMlp}. Its keys ({@code width}, {@code blocks})
 * are set next to the type, {@code kiln.model { type = residual-mlp, width = 128 }} (the
 * validator leaves {@code kiln.model} open when the type is not {@code mlp}); a key not set there
 * takes its default from the plugin's own section {@code kiln.residual-mlp}.
 */
@KilnExtension(name = "residual-mlp", description = "MLP with residual blocks: width, blocks")
public final class ResidualMlpProvider implements ModelProvider {

    private final int width;
    private final int blocks;

    /**
     * @param section {@code kiln.residual-mlp}, the defaults
     * @param kiln the whole {@code kiln} tree, whose {@code model} section wins over the defaults
     * @throws IllegalArgumentException naming the file, line and key of a bad value
     */
    @Inject
    public ResidualMlpProvider(Config section, @Named("kiln") Config kiln) {
        Settings settings =
                Settings.of(kiln.getConfig("model"), "kiln.model")
                        .withDefaults(section, "kiln.residual-mlp");
        this.width = settings.intAtLeast("width", 1);
        this.blocks = settings.intAtLeast("blocks", 1);
    }

    @Override
    public Block create(ModelShape shape) {
        return ResidualMlp.build(width, blocks, shape.outputs());
    }

    /** @return the width of the blocks */
    public int width() {
        return width;
    }

    /** @return the number of residual blocks */
    public int blocks() {
        return blocks;
    }
}
