package dev.kiln.images;

import com.typesafe.config.Config;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.LoadedData;
import dev.kiln.images.transform.TransformList;
import dev.kiln.spi.Extensions;
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
 * image of shape (1, height, width) with its pixels scaled to [0, 1], then transformed by the
 * section's {@code transforms}; the {@code mlp} flattens it, a convolutional model reads it as is.
 */
@KilnExtension(
        name = "idx",
        description = "images and labels from IDX files (MNIST, Fashion-MNIST)")
public final class IdxDatasetProvider implements DatasetProvider {

    private final Config defaults;
    private final int batchSize;
    private final Extensions extensions;

    /**
     * @param section {@code kiln.idx}: the defaults of the keys set next to the type
     * @param kiln the whole {@code kiln} config, for the batch size
     * @param extensions the installed extensions, for the transforms
     */
    @Inject
    public IdxDatasetProvider(Config section, @Named("kiln") Config kiln, Extensions extensions) {
        this.defaults = section;
        this.batchSize = kiln.getInt("solver.batch-size");
        this.extensions = extensions;
    }

    @Override
    public LoadedData load(Config section, DataRole role) {
        String path = role == DataRole.TRAIN ? "kiln.data.train" : "kiln.data.test";
        Settings settings = Settings.of(section, path).withDefaults(defaults, "kiln.idx");
        Path images = existing(settings, "images");
        Path labels = existing(settings, "labels");
        TransformList transforms = TransformList.create(settings, "transforms", extensions);
        IdxDataset examples =
                IdxDataset.read(
                        images,
                        labels,
                        batchSize,
                        role == DataRole.TRAIN,
                        transforms,
                        settings.fullKey("transforms"));
        return new LoadedData(
                examples, Optional.empty(), examples.exampleShape(), examples.classCount());
    }

    private static Path existing(Settings settings, String key) {
        Path file = Path.of(settings.string(key));
        if (!Files.isRegularFile(file)) {
            throw settings.problem(key, "no such file: " + file.toAbsolutePath());
        }
        return file;
    }
}
