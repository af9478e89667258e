package dev.kiln.core.data;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.HostTable;
import dev.kiln.data.LoadedData;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in dataset {@code csv}: a {@link CsvDataset} with the settings of its section ({@code
 * path}, {@code label-column}, {@code targets}, {@code header}, {@code scaling}, {@code
 * test-fraction}, {@code split-seed}). Training data with a test fraction is split, and the
 * held-out rows are the test data unless a test set of its own is configured; a test file loaded
 * by the same provider after the training file is scaled with the training rows' statistics.
 */
@KilnExtension(
        name = "csv",
        description =
                "numeric CSV file: features and a label per row, a class or a value (targets)")
public final class CsvDatasetProvider implements DatasetProvider {

    private final int batchSize;
    private ScalingStats trainScaling;

    /** @param kiln the whole {@code kiln} config, for the batch size */
    @Inject
    public CsvDatasetProvider(@Named("kiln") Config kiln) {
        this.batchSize = kiln.getInt("solver.batch-size");
    }

    @Override
    public LoadedData load(Config section, DataRole role) {
        Path path = Path.of(section.getString("path"));
        if (!Files.isRegularFile(path)) {
            ConfigOrigin origin = section.getValue("path").origin();
            String where =
                    origin.filename() != null
                            ? origin.filename() + ":" + origin.lineNumber()
                            : origin.description().replaceFirst(": -?\\d+$", "");
            throw new IllegalArgumentException(
                    where
                            + ": kiln.data."
                            + (role == DataRole.TRAIN ? "train" : "test")
                            + ".path: data file not found: "
                            + path.toAbsolutePath());
        }
        CsvDataset.Builder builder =
                CsvDataset.builder()
                        .setPath(path)
                        .optLabelColumn(section.getInt("label-column"))
                        .optHeader(section.getBoolean("header"))
                        .setSampling(batchSize, role == DataRole.TRAIN);
        if (role == DataRole.TEST && trainScaling != null) {
            builder.optScalingStats(trainScaling);
        } else {
            builder.optScaling(section.getString("scaling"));
        }
        double testFraction = role == DataRole.TRAIN ? section.getDouble("test-fraction") : 0;
        CsvDataset examples;
        Optional<CsvDataset> heldOut = Optional.empty();
        if (testFraction > 0) {
            CsvDataset.Split split =
                    builder.optTestFraction(testFraction)
                            .optSplitSeed(section.getLong("split-seed"))
                            .buildSplit();
            examples = split.train();
            heldOut = Optional.of(split.test());
        } else {
            examples = builder.build();
        }
        if (role == DataRole.TRAIN) {
            trainScaling = examples.scaling();
        }
        boolean values =
                "values"
                        .equals(
                                Settings.of(
                                                section,
                                                "kiln.data." + role.name().toLowerCase(Locale.ROOT))
                                        .oneOf("targets", List.of("classes", "values")));
        // a regression target is one value to predict; class indices count their classes
        int classes = values ? 1 : classCount(examples);
        if (heldOut.isPresent() && !values) {
            classes = Math.max(classes, classCount(heldOut.get()));
        }
        return new LoadedData(
                examples, heldOut.map(d -> d), new Shape(examples.featureCount()), classes);
    }

    /** One more than the largest label: labels are class indices from 0. */
    private static int classCount(HostTable table) {
        float max = 0;
        for (int row = 0; row < table.rowCount(); row++) {
            max = Math.max(max, table.label(row));
        }
        return (int) max + 1;
    }
}
