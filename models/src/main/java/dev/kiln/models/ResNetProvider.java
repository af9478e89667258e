package dev.kiln.models;

import ai.djl.nn.Block;
import com.typesafe.config.Config;
import dev.kiln.data.image.ImageShape;
import dev.kiln.model.ModelProvider;
import dev.kiln.model.ModelShape;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The model {@code resnet}: a {@link ResNet} for image-shaped examples (channels, height, width).
 * Its keys are set next to the type, {@code kiln.model { type = resnet, depth = 50 }}; a key not
 * set there takes its default from {@code kiln.resnet}.
 */
@KilnExtension(
        name = "resnet",
        description = "residual network: depth 18/34/50, width, small-input")
public final class ResNetProvider implements ModelProvider {

    private final Settings settings;
    private final ResNet resnet;

    /**
     * Reads and checks every key, so a bad value stops the run before training.
     *
     * @param section {@code kiln.resnet}, the defaults
     * @param kiln the whole {@code kiln} tree, whose {@code model} section wins over the defaults
     * @throws SettingsException naming the file, line and key of a bad value
     */
    @Inject
    public ResNetProvider(Config section, @Named("kiln") Config kiln) {
        this.settings = ModelSection.read(kiln, section, "resnet");
        int depth = settings.intAtLeast("depth", 1);
        if (!ResNet.DEPTHS.contains(depth)) {
            throw settings.problem("depth", "must be 18, 34 or 50 but is " + depth);
        }
        int width = settings.intAtLeast("width", 1);
        if (width > Integer.MAX_VALUE / 32) {
            throw settings.problem(
                    "width", "must be at most " + Integer.MAX_VALUE / 32 + " but is " + width);
        }
        this.resnet = new ResNet(depth, width, settings.bool("small-input"));
    }

    /**
     * @throws SettingsException naming {@code kiln.model.type} when the examples are not images,
     *     or {@code small-input} when they are smaller than the network's downsampling
     */
    @Override
    public Block create(ModelShape shape) {
        ImageShape image = ImageInput.of(settings, "resnet", shape.exampleShape());
        int least = resnet.downsampling();
        if (image.height() < least || image.width() < least) {
            String how =
                    resnet.smallInput()
                            ? "true still shrinks images 8 times (three stride-2 stages)"
                            : "false shrinks images 32 times (a stride-2 7x7 stem, a stride-2"
                                    + " max-pool and three stride-2 stages)";
            String hint =
                    resnet.smallInput()
                            ? "; use the cnn for images this small"
                            : "; small-input = true suits images of about 28 to 32 pixels";
            throw settings.problem(
                    "small-input",
                    how
                            + ", which needs images of at least "
                            + least
                            + "x"
                            + least
                            + " pixels, but they are "
                            + image
                            + hint);
        }
        return resnet.build(shape.outputs());
    }

    /** @return the network these settings describe */
    public ResNet resnet() {
        return resnet;
    }
}
