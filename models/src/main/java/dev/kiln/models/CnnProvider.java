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
import java.util.List;

/**
 * The model {@code cnn}: a {@link Cnn} for image-shaped examples (channels, height, width). Its
 * keys are set next to the type, {@code kiln.model { type = cnn, channels = [32, 64] }}; a key not
 * set there takes its default from {@code kiln.cnn}.
 */
@KilnExtension(
        name = "cnn",
        description =
                "conv blocks and a dense head: channels, kernel, batch-norm, pool,"
                        + " hidden-sizes, dropout")
public final class CnnProvider implements ModelProvider {

    private final Settings settings;
    private final Cnn cnn;

    /**
     * Reads and checks every key, so a bad value stops the run before training.
     *
     * @param section {@code kiln.cnn}, the defaults
     * @param kiln the whole {@code kiln} tree, whose {@code model} section wins over the defaults
     * @throws SettingsException naming the file, line and key of a bad value
     */
    @Inject
    public CnnProvider(Config section, @Named("kiln") Config kiln) {
        this.settings = ModelSection.read(kiln, section, "cnn");
        List<Integer> channels =
                SizeLists.read(settings, "channels", false, "one conv block per entry");
        if (channels.size() > 30) {
            throw settings.problem(
                    "channels", "must hold at most 30 sizes but holds " + channels.size());
        }
        int kernel = settings.intAtLeast("kernel", 1);
        if (kernel % 2 == 0) {
            throw settings.problem(
                    "kernel", "must be odd, for 'same' padding on both sides, but is " + kernel);
        }
        boolean batchNorm = settings.bool("batch-norm");
        boolean pool = settings.bool("pool");
        List<Integer> hiddenSizes =
                SizeLists.read(settings, "hidden-sizes", true, "one dense layer per entry");
        float dropout = (float) settings.fraction("dropout");
        this.cnn = new Cnn(channels, kernel, batchNorm, pool, hiddenSizes, dropout);
    }

    /**
     * @throws SettingsException naming {@code kiln.model.type} when the examples are not images,
     *     or {@code pool} when they are too small for the blocks' pooling
     */
    @Override
    public Block create(ModelShape shape) {
        ImageShape image = ImageInput.of(settings, "cnn", shape.exampleShape());
        int least = cnn.downsampling();
        if (image.height() < least || image.width() < least) {
            throw settings.problem(
                    "pool",
                    "true halves the height and width in each of the "
                            + cnn.channels().size()
                            + " conv blocks (channels), which needs images of at least "
                            + least
                            + "x"
                            + least
                            + " pixels, but they are "
                            + image
                            + "; use fewer blocks or pool = false");
        }
        return cnn.build(shape.outputs());
    }

    /** @return the network these settings describe */
    public Cnn cnn() {
        return cnn;
    }
}
