package dev.kiln.images;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.Config;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.LoadedData;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The dataset {@code idx}: images and labels from IDX files, as MNIST and Fashion-MNIST ship them
 * ({@code kiln.data.train { type = idx, images = train-images-idx3-ubyte.gz, labels =
 * train-labels-idx1-ubyte.gz }}, and the same for {@code kiln.data.test}). Each example is an
 * image's pixels scaled to [0, 1], flattened row by row, so any model that reads a vector (the
 * {@code mlp}) trains on it.
 */
@KilnExtension(
        name = "idx",
        description = "images and labels from IDX files (MNIST, Fashion-MNIST)")
public final class IdxDatasetProvider implements DatasetProvider {

    private final Config defaults;
    private final int batchSize;

    /**
     * @param section {@code kiln.idx}: the defaults of the keys set next to the type
     * @param kiln the whole {@code kiln} config, for the batch size
     */
    @Inject
    public IdxDatasetProvider(Config section, @Named("kiln") Config kiln) {
        this.defaults = section;
        this.batchSize = kiln.getInt("solver.batch-size");
    }

    @Override
    public LoadedData load(Config section, DataRole role) {
        String path = role == DataRole.TRAIN ? "kiln.data.train" : "kiln.data.test";
        Settings settings = Settings.of(section, path).withDefaults(defaults, "kiln.idx");
        Path images = existing(settings, "images");
        Path labels = existing(settings, "labels");
        IdxDataset examples = IdxDataset.read(images, labels, batchSize, role == DataRole.TRAIN);
        return new LoadedData(
                examples,
                Optional.empty(),
                new Shape(examples.featureCount()),
                examples.classCount());
    }

    private static Path existing(Settings settings, String key) {
        Path file = Path.of(settings.string(key));
        if (!Files.isRegularFile(file)) {
            throw settings.problem(key, "no such file: " + file.toAbsolutePath());
        }
        return file;
    }
}
