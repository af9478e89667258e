package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import dev.kiln.core.config.ConfigLoader;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.data.BatchSource;
import dev.kiln.data.DataFormatException;
import dev.kiln.data.DataRole;
import dev.kiln.data.HostTable;
import dev.kiln.data.LoadedData;
import dev.kiln.data.TrainingBatch;
import dev.kiln.spi.SettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several label columns of a CSV file: {@code label-columns} with values or 0/1 labels. */
class CsvLabelColumnsTest {

    /** Four rows of five columns: row r holds r0, r1, ..., r4 as numbers r * 10 + column. */
    private static final String FIVE_COLUMNS =
            "0,1,2,3,4\n10,11,12,13,14\n20,21,22,23,24\n" + "30,31,32,33,34\n";

    @TempDir Path tmp;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static float[] features(HostTable table, int row) {
        float[] dest = new float[table.featureCount()];
        table.copyFeatures(row, dest, 0);
        return dest;
    }

    private static float[] labels(HostTable table, int row) {
        float[] dest = new float[table.labelCount() + 1];
        table.copyLabels(row, dest, 1);
        return Arrays.copyOfRange(dest, 1, dest.length);
    }

    @Test
    void theListedColumnsAreTheLabelsInListOrderAndTheOthersTheFeatures() throws IOException {
        CsvDataset data =
                CsvDataset.builder()
                        .setPath(write("five.csv", FIVE_COLUMNS))
                        .optLabelColumns(-1, 1, 3)
                        .optTargets(CsvTargets.VALUES)
                        .build();

        assertThat(data.labelCount()).isEqualTo(3);
        assertThat(data.featureCount()).isEqualTo(2);
        assertThat(features(data, 2)).containsExactly(20, 22);
        assertThat(labels(data, 2)).containsExactly(24, 21, 23);
        assertThat(data.label(2)).isEqualTo(24);
    }

    @Test
    void oneListedColumnIsTheSameAsLabelColumn() throws IOException {
        Path file = write("five.csv", FIVE_COLUMNS);
        CsvDataset listed = CsvDataset.builder().setPath(file).optLabelColumns(2).build();
        CsvDataset single = CsvDataset.builder().setPath(file).optLabelColumn(2).build();

        assertThat(listed.labelCount()).isEqualTo(1).isEqualTo(single.labelCount());
        for (int row = 0; row < 4; row++) {
            assertThat(features(listed, row)).containsExactly(features(single, row));
            assertThat(labels(listed, row)).containsExactly(single.label(row));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void recordsAndBatchesHaveOneLabelPerColumn(String engine) throws Exception {
        CsvDataset data =
                CsvDataset.builder()
                        .setPath(write("five.csv", FIVE_COLUMNS))
                        .optLabelColumns(0, 2, 4)
                        .optTargets(CsvTargets.VALUES)
                        .setSampling(2, false)
                        .build();
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Record record = data.get(manager, 1);
            assertThat(record.getLabels().singletonOrThrow().getShape()).isEqualTo(new Shape(3));
            assertThat(record.getLabels().singletonOrThrow().toFloatArray())
                    .containsExactly(10, 12, 14);
            assertThat(record.getData().singletonOrThrow().toFloatArray()).containsExactly(11, 13);

            Iterator<Batch> batches = data.getData(manager).iterator();
            try (Batch batch = batches.next()) {
                assertThat(batch.getLabels().singletonOrThrow().getShape())
                        .isEqualTo(new Shape(2, 3));
                assertThat(batch.getLabels().singletonOrThrow().toFloatArray())
                        .containsExactly(0, 2, 4, 10, 12, 14);
            }

            try (BatchSource source =
                    SampledBatchSource.forDataset(
                            data, new TrainingSampler(4, false, 0), 4, 1, 0)) {
                TrainingBatch batch = source.next(manager);
                assertThat(batch.labels().singletonOrThrow().getShape()).isEqualTo(new Shape(4, 3));
                assertThat(batch.labels().singletonOrThrow().toFloatArray())
                        .containsExactly(0, 2, 4, 10, 12, 14, 20, 22, 24, 30, 32, 34);
                assertThat(batch.data().singletonOrThrow().getShape()).isEqualTo(new Shape(4, 2));
            }
        }
    }

    @Test
    void multiLabelTakesOnlyZeroAndOne() throws IOException {
        Path good = write("good.csv", "0.5,1,0\n-2,0,1\n");
        CsvDataset data =
                CsvDataset.builder()
                        .setPath(good)
                        .optLabelColumns(1, 2)
                        .optTargets(CsvTargets.MULTI_LABEL)
                        .build();
        assertThat(labels(data, 1)).containsExactly(0, 1);

        Path bad = write("bad.csv", "0.5,1,0\n0.7,1,0.5\n");
        assertThatThrownBy(
                        () ->
                                CsvDataset.builder()
                                        .setPath(bad)
                                        .optLabelColumns(1, 2)
                                        .optTargets(CsvTargets.MULTI_LABEL)
                                        .build())
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        bad
                                + ":2: column 3: \"0.5\" is not 0 or 1, as a label of targets ="
                                + " multi-label must be");
    }

    @Test
    void columnsThatDoNotFitTheFileAreExplained() throws IOException {
        Path file = write("five.csv", FIVE_COLUMNS);
        assertThatThrownBy(
                        () ->
                                CsvDataset.builder()
                                        .setPath(file)
                                        .optLabelColumns(1, 5)
                                        .optTargets(CsvTargets.VALUES)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label column 5 is out of range for 5 columns in " + file);
        assertThatThrownBy(
                        () ->
                                CsvDataset.builder()
                                        .setPath(file)
                                        .optLabelColumns(4, -1)
                                        .optTargets(CsvTargets.VALUES)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label columns 4 and -1 are the same column of " + file);
        assertThatThrownBy(
                        () ->
                                CsvDataset.builder()
                                        .setPath(file)
                                        .optLabelColumns(0, 1, 2, 3, 4)
                                        .optTargets(CsvTargets.VALUES)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the label columns are all 5 columns of "
                                + file
                                + "; at least one must be a feature");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(file).optLabelColumns(1, 2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "2 label columns cannot hold one class index; use the targets values or"
                                + " multi-label");
        assertThatThrownBy(() -> CsvDataset.builder().optLabelColumns())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one label column is needed");
    }

    // ---- the csv extension: the keys, the outputs it reports, and errors at the key's line

    private KilnConfig config(String text) throws IOException {
        Path conf = write("run.conf", text);
        return ConfigLoader.builder().files(List.of(conf)).load();
    }

    private static LoadedData loadTrain(CsvDatasetProvider provider, KilnConfig config) {
        return provider.load(config.trainData(), DataRole.TRAIN);
    }

    private static CsvDatasetProvider provider(KilnConfig config) {
        return new CsvDatasetProvider(config.config().getConfig("kiln"));
    }

    private String train(Path csv) {
        return "kiln.data.train.path = \"" + csv + "\"\n";
    }

    @Test
    void valuesAndMultiLabelReportOneOutputPerLabelColumn() throws IOException {
        Path csv = write("five.csv", FIVE_COLUMNS);
        KilnConfig values =
                config(
                        train(csv)
                                + "kiln.data.train { label-columns = [3, 4], targets = values }\n"
                                + "kiln.data.train.test-fraction = 0.25\n");
        LoadedData loaded = loadTrain(provider(values), values);
        assertThat(loaded.classCount()).isEqualTo(2);
        assertThat(loaded.exampleShape()).isEqualTo(new Shape(3));
        assertThat(((HostTable) loaded.examples()).labelCount()).isEqualTo(2);
        assertThat(loaded.heldOut())
                .hasValueSatisfying(
                        test -> assertThat(((HostTable) test).labelCount()).isEqualTo(2));

        Path binary = write("binary.csv", "1,0,1,5\n0,0,1,6\n");
        KilnConfig multi =
                config(
                        train(binary)
                                + "kiln.data.train { label-columns = [0, 1, 2] }\n"
                                + "kiln.data.train { targets = multi-label, test-fraction = 0 }\n");
        assertThat(loadTrain(provider(multi), multi).classCount()).isEqualTo(3);

        // one value column is one output, one class column counts its classes, as before
        KilnConfig one = config(train(csv) + "kiln.data.train.targets = values\n");
        assertThat(loadTrain(provider(one), one).classCount()).isEqualTo(1);
        KilnConfig classes = config(train(csv) + "kiln.data.train.label-columns = [0]\n");
        assertThat(loadTrain(provider(classes), classes).classCount()).isEqualTo(31);
    }

    @Test
    void columnsThatDoNotFitTheFileAreReportedAtTheKey() throws IOException {
        Path csv = write("five.csv", FIVE_COLUMNS);
        Path conf = tmp.resolve("run.conf");
        String values = "kiln.data.train.targets = values\n";

        KilnConfig outOfRange =
                config(train(csv) + "kiln.data.train.label-columns = [1, 5]\n" + values);
        assertThatThrownBy(() -> loadTrain(provider(outOfRange), outOfRange))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        conf
                                + ":2: kiln.data.train.label-columns: column 5 is out of range for"
                                + " the 5 columns of "
                                + csv
                                + "; valid: 0 to 4, or -5 to -1 from the end");

        KilnConfig same = config(train(csv) + "kiln.data.train.label-columns = [4, -1]\n" + values);
        assertThatThrownBy(() -> loadTrain(provider(same), same))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        conf
                                + ":2: kiln.data.train.label-columns: columns 4 and -1 are the"
                                + " same column (4) of "
                                + csv);

        KilnConfig all =
                config(train(csv) + "kiln.data.train.label-columns = [0, 1, 2, 3, 4]\n" + values);
        assertThatThrownBy(() -> loadTrain(provider(all), all))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        conf
                                + ":2: kiln.data.train.label-columns: lists all 5 columns of "
                                + csv
                                + "; at least one must be a feature");

        KilnConfig single = config(train(csv) + "kiln.data.train.label-column = -6\n");
        assertThatThrownBy(() -> loadTrain(provider(single), single))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        conf
                                + ":2: kiln.data.train.label-column: column -6 is out of range for"
                                + " the 5 columns of "
                                + csv
                                + "; valid: 0 to 4, or -5 to -1 from the end");
    }

    @Test
    void listProblemsAreReportedEvenWithoutTheValidator() throws IOException {
        Path csv = write("five.csv", FIVE_COLUMNS);
        Path conf = tmp.resolve("run.conf");

        KilnConfig classes = config(train(csv) + "kiln.data.train.label-columns = [1, 2]\n");
        assertThatThrownBy(() -> loadTrain(provider(classes), classes))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        conf
                                + ":2: kiln.data.train.label-columns: lists 2 columns, but targets"
                                + " = classes takes one label column; use targets = values for"
                                + " several regression targets, or targets = multi-label for"
                                + " several 0/1 labels");

        KilnConfig empty = config(train(csv) + "kiln.data.train.label-columns = []\n");
        assertThatThrownBy(() -> loadTrain(provider(empty), empty))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        conf
                                + ":2: kiln.data.train.label-columns: must list at least one"
                                + " column; leave it null to use label-column");

        KilnConfig fraction = config(train(csv) + "kiln.data.train.label-columns = [1.5]\n");
        assertThatThrownBy(() -> loadTrain(provider(fraction), fraction))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        conf
                                + ":2: kiln.data.train.label-columns: must be a list of column"
                                + " indices (whole numbers) but is [1.5]");
    }

    @Test
    void multiLabelValueOtherThanZeroOrOneNamesFileLineAndColumn() throws IOException {
        Path csv = write("binary.csv", "1,0,5\n0,2,6\n");
        KilnConfig config =
                config(
                        train(csv)
                                + "kiln.data.train { label-columns = [0, 1], targets = multi-label"
                                + " }\n");
        assertThatThrownBy(() -> loadTrain(provider(config), config))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        csv
                                + ":2: column 2: \"2\" is not 0 or 1, as a label of targets ="
                                + " multi-label must be");
    }

    @Test
    void aTestCsvInheritsTheLabelColumnsAndMustHaveAsMany() throws IOException {
        Path csv = write("five.csv", FIVE_COLUMNS);
        Path testCsv = write("test.csv", "1,2,3,4,5\n");
        String base =
                train(csv)
                        + "kiln.data.train { label-columns = [3, 4], targets = values }\n"
                        + "kiln.data.train.test-fraction = 0\n"
                        + "kiln.data.test { type = csv, path = \""
                        + testCsv
                        + "\" }\n";

        KilnConfig inherited = config(base);
        CsvDatasetProvider provider = provider(inherited);
        loadTrain(provider, inherited);
        LoadedData test = provider.load(inherited.testData().orElseThrow(), DataRole.TEST);
        assertThat(((HostTable) test.examples()).labelCount()).isEqualTo(2);
        assertThat(labels((HostTable) test.examples(), 0)).containsExactly(4, 5);

        KilnConfig fewer = config(base + "kiln.data.test.label-column = 0\n");
        assertThat(fewer.testData().orElseThrow().hasPath("label-columns")).isFalse();
        CsvDatasetProvider second = provider(fewer);
        loadTrain(second, fewer);
        assertThatThrownBy(() -> second.load(fewer.testData().orElseThrow(), DataRole.TEST))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        tmp.resolve("run.conf")
                                + ":5: kiln.data.test.label-column: chooses 1 label column but"
                                + " kiln.data.train chooses 2; the test data need as many labels"
                                + " as the model has outputs");
    }

    @Test
    void targetsNamesAreTheConfigNames() {
        assertThat(CsvTargets.names()).containsExactly("classes", "values", "multi-label");
        assertThat(CsvTargets.fromName(" Multi-Label ")).isEqualTo(CsvTargets.MULTI_LABEL);
        assertThatThrownBy(() -> CsvTargets.fromName("regression"))
                .hasMessage("unknown targets \"regression\"; valid: classes, values, multi-label");
    }
}
