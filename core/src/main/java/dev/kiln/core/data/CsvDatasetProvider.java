package dev.kiln.core.data;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.HostTable;
import dev.kiln.data.LoadedData;
import dev.kiln.predict.PredictionInput;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in dataset {@code csv}: a {@link CsvDataset} with the settings of its section ({@code
 * path}, {@code label-column} or {@code label-columns}, {@code targets}, {@code header}, {@code
 * scaling}, {@code test-fraction}, {@code split-seed}). Training data with a test fraction is
 * split, and the held-out rows are the test data unless a test set of its own is configured; a
 * test file loaded by the same provider after the training file is scaled with the training rows'
 * statistics, and must have as many label columns.
 *
 * <p>The number of outputs it reports ({@link LoadedData#classCount()}) is the number of classes
 * for {@code targets = classes} (one more than the largest label), else the number of label
 * columns: one per value to regress, or per 0/1 label of {@code multi-label}.
 */
@KilnExtension(
        name = "csv",
        description =
                "numeric CSV file: features and labels per row, a class, values or 0/1 labels"
                        + " (targets)")
public final class CsvDatasetProvider implements DatasetProvider {

    private static final String LABEL_COLUMN = "label-column";
    private static final String LABEL_COLUMNS = "label-columns";

    private final int batchSize;
    private ScalingStats trainScaling;
    private int trainLabelCount;

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
        Settings settings =
                Settings.of(section, "kiln.data." + role.name().toLowerCase(Locale.ROOT));
        CsvTargets targets = CsvTargets.fromName(settings.oneOf("targets", CsvTargets.names()));
        String columnsKey = section.hasPath(LABEL_COLUMNS) ? LABEL_COLUMNS : LABEL_COLUMN;
        int[] labelColumns = labelColumns(settings, columnsKey, targets);
        if (role == DataRole.TEST
                && trainLabelCount > 0
                && labelColumns.length != trainLabelCount) {
            throw settings.problem(
                    columnsKey,
                    "chooses "
                            + columnCount(labelColumns.length)
                            + " but kiln.data.train chooses "
                            + trainLabelCount
                            + "; the test data need as many labels as the model has outputs");
        }
        CsvDataset.Builder builder =
                CsvDataset.builder()
                        .setPath(path)
                        .optLabelColumns(labelColumns)
                        .optTargets(targets)
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
        try {
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
        } catch (LabelColumnsException e) {
            throw settings.problem(columnsKey, e.problem());
        }
        if (role == DataRole.TRAIN) {
            trainScaling = examples.scaling();
            trainLabelCount = labelColumns.length;
        }
        // class indices count their classes; values and 0/1 labels are one output per column
        boolean classes = targets == CsvTargets.CLASSES;
        int outputs = classes ? classCount(examples) : labelColumns.length;
        if (heldOut.isPresent() && classes) {
            outputs = Math.max(outputs, classCount(heldOut.get()));
        }
        // rows to predict are read as these rows are: the scaling fitted on the training rows
        PredictionInput input =
                new PredictionInput(
                        CsvInputReaderProvider.NAME,
                        CsvInputReaderProvider.settings(
                                examples.scaling(), ',', section.getBoolean("header")),
                        List.of());
        return new LoadedData(
                examples,
                heldOut.map(d -> d),
                new Shape(examples.featureCount()),
                outputs,
                Optional.of(input));
    }

    /**
     * The label columns the section chooses: those of {@code label-columns} when it is set, else
     * the one of {@code label-column}.
     */
    private static int[] labelColumns(Settings settings, String key, CsvTargets targets) {
        if (key.equals(LABEL_COLUMN)) {
            long column = settings.wholeNumber(LABEL_COLUMN);
            return new int[] {
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, column))
            };
        }
        Config section = settings.config();
        List<Long> columns = new ArrayList<>();
        boolean whole;
        try {
            whole = true;
            for (double column : section.getDoubleList(key)) {
                whole &= column == Math.rint(column) && Math.abs(column) <= Integer.MAX_VALUE;
                columns.add((long) column);
            }
        } catch (ConfigException e) {
            whole = false;
        }
        if (!whole) {
            throw settings.problem(
                    key,
                    "must be a list of column indices (whole numbers) but is "
                            + section.getValue(key).render(ConfigRenderOptions.concise()));
        }
        String problem = targets.columnsProblem(columns);
        if (problem != null) {
            throw settings.problem(key, problem);
        }
        return columns.stream().mapToInt(Long::intValue).toArray();
    }

    private static String columnCount(int count) {
        return count + (count == 1 ? " label column" : " label columns");
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
