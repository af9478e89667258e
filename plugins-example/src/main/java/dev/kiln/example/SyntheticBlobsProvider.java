package dev.kiln.example;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.Config;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.LoadedData;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Optional;

/**
 * The dataset type {@code synthetic-blobs}: a {@link BlobDataset} of seeded Gaussian blobs, one per
 * class. Its keys ({@code classes}, {@code features}, {@code examples-per-class}, {@code
 * test-examples-per-class}, {@code spread}, {@code center-box}, {@code seed}) are set next to the
 * type, {@code kiln.data.train { type = synthetic-blobs, classes = 5 }}; a key not set there takes
 * its default from the plugin's own section {@code kiln.synthetic-blobs}.
 *
 * <p>As training data it holds out {@code test-examples-per-class} further points per class (when
 * above 0) as the test data; as a test set of its own ({@code kiln.data.test.type =
 * synthetic-blobs}) it is those test points.
 */
@KilnExtension(
        name = "synthetic-blobs",
        description = "seeded Gaussian blobs, one per class (like make_blobs)")
public final class SyntheticBlobsProvider implements DatasetProvider {

    private final Config defaults;
    private final int batchSize;

    /**
     * @param section {@code kiln.synthetic-blobs}, the defaults
     * @param kiln the whole {@code kiln} tree, for the batch size
     */
    @Inject
    public SyntheticBlobsProvider(Config section, @Named("kiln") Config kiln) {
        this.defaults = section;
        this.batchSize = kiln.getInt("solver.batch-size");
    }

    @Override
    public LoadedData load(Config section, DataRole role) {
        String path = role == DataRole.TRAIN ? "kiln.data.train" : "kiln.data.test";
        Settings settings =
                Settings.of(section, path).withDefaults(defaults, "kiln.synthetic-blobs");
        BlobSpec spec =
                new BlobSpec(
                        settings.intAtLeast("classes", 2),
                        settings.intAtLeast("features", 1),
                        settings.greaterThan("spread", 0),
                        settings.greaterThan("center-box", 0),
                        settings.wholeNumber("seed"));
        BlobDataset examples;
        Optional<BlobDataset> heldOut = Optional.empty();
        if (role == DataRole.TRAIN) {
            examples =
                    part(
                            spec,
                            BlobDataset.Part.TRAIN,
                            settings.intAtLeast("examples-per-class", 1));
            int testPerClass = settings.intAtLeast("test-examples-per-class", 0);
            if (testPerClass > 0) {
                heldOut = Optional.of(part(spec, BlobDataset.Part.TEST, testPerClass));
            }
        } else {
            examples =
                    part(
                            spec,
                            BlobDataset.Part.TEST,
                            settings.intAtLeast("test-examples-per-class", 1));
        }
        return new LoadedData(
                examples, heldOut.map(d -> d), new Shape(spec.features()), spec.classes());
    }

    private BlobDataset part(BlobSpec spec, BlobDataset.Part part, int perClass) {
        return BlobDataset.builder()
                .setSpec(spec)
                .optPart(part)
                .optPerClass(perClass)
                .setSampling(batchSize, part == BlobDataset.Part.TRAIN)
                .build();
    }
}
