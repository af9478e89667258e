package dev.kiln.images;

import com.typesafe.config.Config;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.LoadedData;
import dev.kiln.data.image.ImageShape;
import dev.kiln.images.transform.TransformList;
import dev.kiln.predict.PredictionInput;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The dataset {@code idx}: images and labels from IDX files, as MNIST and Fashion-MNIST ship them
 * ({@code kiln.data.train { type = idx, images = train-images-idx3-ubyte.gz, labels =
 * train-labels-idx1-ubyte.gz }}, and the same for {@code kiln.data.test}). Each example is an
 * image of shape (1, height, width) with its pixels scaled to [0, 1], then transformed by the
 * section's {@code transforms}; the {@code mlp} flattens it, a convolutional model reads it as is.
 * For prediction, the data describe how the {@code image} reader ({@link ImageInputReaderProvider})
 * reads an image file as these examples: of exactly the IDX images' size (another is refused, not
 * resized), its grey bytes scaled by 1/255, then the transforms (for training data, those without
 * random steps).
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
                examples,
                Optional.empty(),
                examples.exampleShape(),
                examples.classCount(),
                input(
                        examples,
                        role == DataRole.TEST ? transforms : transforms.withoutRandomSteps()));
    }

    /**
     * How the image reader reads a raw image as the test examples are read: of the IDX files' size
     * exactly (another size is refused, not resized), scaled as the bytes are, then transformed by
     * the section's transforms (for training data, those without random steps, when they still
     * make the examples' shape).
     */
    private static Optional<PredictionInput> input(IdxDataset examples, TransformList transforms) {
        ImageShape stored = examples.storedShape();
        ImageShape out;
        try {
            out = transforms.outputShape(stored);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (!out.equals(examples.imageShape())) {
            return Optional.empty();
        }
        return Optional.of(
                ImageInputReaderProvider.describe(
                        1,
                        new int[] {stored.height(), stored.width()},
                        ImageInputReaderProvider.IDX_BYTES,
                        transforms,
                        out,
                        List.of()));
    }

    private static Path existing(Settings settings, String key) {
        Path file = Path.of(settings.string(key));
        if (!Files.isRegularFile(file)) {
            throw settings.problem(key, "no such file: " + file.toAbsolutePath());
        }
        return file;
    }
}
