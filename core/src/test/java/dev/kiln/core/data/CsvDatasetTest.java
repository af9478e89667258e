package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import dev.kiln.data.BatchSource;
import dev.kiln.data.DataFormatException;
import dev.kiln.data.HostTable;
import dev.kiln.data.TrainingBatch;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvDatasetTest {

    /** First data row of digits.csv: 64 pixels, then label 0. */
    private static final float[] DIGITS_ROW0 = {
        0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0,
        0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0,
        0, 6, 13, 10, 0, 0, 0
    };

    @TempDir Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(CsvDatasetTest.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path write(String name, String content) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static float[] features(HostTable table, int row) {
        float[] dest = new float[table.featureCount() + 2];
        table.copyFeatures(row, dest, 2);
        return Arrays.copyOfRange(dest, 2, dest.length);
    }

    @Test
    void readsDigitsRowsAndLabels() {
        CsvDataset digits = CsvDataset.builder().setPath(resource("digits-40.csv")).build();
        assertThat(digits.rowCount()).isEqualTo(40);
        assertThat(digits.size()).isEqualTo(40);
        assertThat(digits.featureCount()).isEqualTo(64);
        assertThat(features(digits, 0)).containsExactly(DIGITS_ROW0);
        assertThat(digits.label(0)).isEqualTo(0f);
        assertThat(digits.label(1)).isEqualTo(1f);
        assertThat(digits.label(39)).isEqualTo(9f);
        assertThat(digits.scaling().method()).isEqualTo(FeatureScaling.NONE);
    }

    @Test
    void gzipFileGivesTheSameRows() {
        CsvDataset plain = CsvDataset.builder().setPath(resource("digits-40.csv")).build();
        CsvDataset gz = CsvDataset.builder().setPath(resource("digits-40.csv.gz")).build();
        assertThat(gz.rowCount()).isEqualTo(plain.rowCount());
        for (int r = 0; r < plain.rowCount(); r++) {
            assertThat(features(gz, r)).containsExactly(features(plain, r));
            assertThat(gz.label(r)).isEqualTo(plain.label(r));
        }
    }

    @Test
    void headerIsSkippedAndLabelColumnCanBeAnywhere() {
        CsvDataset last =
                CsvDataset.builder().setPath(resource("tiny-header.csv")).optHeader(true).build();
        assertThat(last.rowCount()).isEqualTo(4);
        assertThat(features(last, 2)).containsExactly(3, 30);
        assertThat(last.label(3)).isEqualTo(1);

        CsvDataset first =
                CsvDataset.builder()
                        .setPath(resource("tiny-header.csv"))
                        .optHeader(true)
                        .optLabelColumn(0)
                        .build();
        assertThat(features(first, 2)).containsExactly(30, 0);
        assertThat(first.label(2)).isEqualTo(3);

        CsvDataset middle =
                CsvDataset.builder()
                        .setPath(resource("tiny-header.csv"))
                        .optHeader(true)
                        .optLabelColumn(-2)
                        .build();
        assertThat(features(middle, 0)).containsExactly(1, 0);
        assertThat(middle.label(0)).isEqualTo(10);
    }

    @Test
    void standardizeUsesMeanAndPopulationStdAndLeavesConstantColumnsUnscaled() throws IOException {
        Path file = write("s.csv", "1,5,0\n2,5,1\n3,5,0\n4,5,1\n");
        CsvDataset data = CsvDataset.builder().setPath(file).optScaling("standardize").build();
        ScalingStats stats = data.scaling();
        assertThat(stats.shift()).containsExactly(2.5f, 5f);
        assertThat(stats.scale()[0]).isCloseTo((float) Math.sqrt(1.25), within(1e-6f));
        assertThat(stats.scale()[1]).isEqualTo(1f);
        assertThat(features(data, 0)[0]).isCloseTo((float) (-1.5 / Math.sqrt(1.25)), within(1e-6f));
        assertThat(features(data, 3)[1]).isEqualTo(0f);
    }

    @Test
    void minMaxMapsTrainRangeToUnitInterval() throws IOException {
        Path file = write("m.csv", "2,7,0\n4,7,1\n6,7,0\n10,7,1\n");
        CsvDataset data =
                CsvDataset.builder().setPath(file).optScaling(FeatureScaling.MIN_MAX).build();
        assertThat(data.scaling().shift()).containsExactly(2f, 7f);
        assertThat(data.scaling().scale()).containsExactly(8f, 1f);
        assertThat(features(data, 0)).containsExactly(0f, 0f);
        assertThat(features(data, 1)).containsExactly(0.25f, 0f);
        assertThat(features(data, 3)).containsExactly(1f, 0f);
    }

    @Test
    void unknownScalingNameListsTheValidOnes() {
        assertThatThrownBy(() -> CsvDataset.builder().optScaling("zscore"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown feature scaling \"zscore\"; valid: none, standardize, min-max");
        assertThat(FeatureScaling.fromName("MIN-MAX")).isEqualTo(FeatureScaling.MIN_MAX);
    }

    private static CsvDataset.Split buildSplit(long seed, FeatureScaling scaling) {
        return CsvDataset.builder()
                .setPath(resource("digits-40.csv"))
                .optScaling(scaling)
                .optTestFraction(0.25)
                .optSplitSeed(seed)
                .buildSplit();
    }

    @Test
    void splitIsDisjointCoveringAndDeterministic() {
        CsvDataset.Split a = buildSplit(11, FeatureScaling.NONE);
        CsvDataset.Split b = buildSplit(11, FeatureScaling.NONE);
        CsvDataset.Split c = buildSplit(12, FeatureScaling.NONE);
        assertThat(a.test().rowCount()).isEqualTo(10);
        assertThat(a.train().rowCount()).isEqualTo(30);
        Set<Integer> all = new HashSet<>();
        Arrays.stream(a.train().sourceRows()).forEach(all::add);
        Arrays.stream(a.test().sourceRows()).forEach(all::add);
        assertThat(all)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 40).boxed().toList());
        assertThat(a.train().sourceRows()).isSorted().containsExactly(b.train().sourceRows());
        assertThat(a.test().sourceRows()).containsExactly(b.test().sourceRows());
        assertThat(a.test().sourceRows()).isNotEqualTo(c.test().sourceRows());

        CsvDataset whole = CsvDataset.builder().setPath(resource("digits-40.csv")).build();
        int testRow = a.test().sourceRows()[3];
        assertThat(features(a.test(), 3)).containsExactly(features(whole, testRow));
        assertThat(a.test().label(3)).isEqualTo(whole.label(testRow));
    }

    @Test
    void scalingStatisticsComeFromTheTrainRowsOnly() {
        CsvDataset.Split split = buildSplit(11, FeatureScaling.STANDARDIZE);
        CsvDataset whole = CsvDataset.builder().setPath(resource("digits-40.csv")).build();
        int[] trainRows = split.train().sourceRows();
        int column = 20;
        double mean =
                Arrays.stream(trainRows)
                        .mapToDouble(r -> features(whole, r)[column])
                        .average()
                        .orElseThrow();
        double var =
                Arrays.stream(trainRows)
                        .mapToDouble(r -> Math.pow(features(whole, r)[column] - mean, 2))
                        .average()
                        .orElseThrow();
        ScalingStats stats = split.train().scaling();
        assertThat(stats.shift()[column]).isCloseTo((float) mean, within(1e-5f));
        assertThat(stats.scale()[column]).isCloseTo((float) Math.sqrt(var), within(1e-5f));
        assertThat(split.test().scaling()).isSameAs(stats);
        // Train features now have mean 0 in that column; test rows use the same statistics.
        double trainMean =
                IntStream.range(0, split.train().rowCount())
                        .mapToDouble(i -> features(split.train(), i)[column])
                        .average()
                        .orElseThrow();
        assertThat(trainMean).isCloseTo(0, within(1e-5));
        int testRow = split.test().sourceRows()[0];
        assertThat(features(split.test(), 0)[column])
                .isCloseTo(
                        (float) ((features(whole, testRow)[column] - mean) / Math.sqrt(var)),
                        within(1e-5f));
    }

    @Test
    void buildRefusesATestFractionAndSplitRefusesEmptySets() {
        assertThatThrownBy(
                        () ->
                                CsvDataset.builder()
                                        .setPath(resource("digits-40.csv"))
                                        .optTestFraction(0.2)
                                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "testFraction is 0.2; use buildSplit() to get the train and test datasets");
        assertThatThrownBy(
                        () ->
                                CsvDataset.builder()
                                        .setPath(resource("digits-40.csv"))
                                        .optTestFraction(0.01)
                                        .buildSplit())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("testFraction 0.01 of 40 rows leaves the train or test set empty");
        assertThatThrownBy(() -> CsvDataset.builder().optTestFraction(1.0))
                .hasMessage("testFraction must be in [0, 1), got 1.0");
    }

    @Test
    void missingFileNamesThePath() {
        Path missing = tmp.resolve("nope.csv");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(missing).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CSV file not found: " + missing.toAbsolutePath());
    }

    @Test
    void wrongColumnCountNamesFileLineAndCounts() throws IOException {
        Path file = write("cols.csv", "h1,h2,h3\n1,2,0\n\n3,4\n");
        DataFormatException e =
                (DataFormatException)
                        catchDataFormat(
                                () -> CsvDataset.builder().setPath(file).optHeader(true).build());
        assertThat(e).hasMessage(file + ":4: expected 3 columns but found 2");
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.problem()).isEqualTo("expected 3 columns but found 2");
    }

    @Test
    void aClassLabelThatIsNoWholeNumberFromZeroNamesFileLineAndColumn() throws IOException {
        Path negative = write("negative.csv", "1,2,0\n3,4,-1\n");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(negative).build())
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        negative
                                + ":2: column 3: \"-1\" is not a class index: with targets ="
                                + " classes a label is a whole number 0, 1, 2, ... (for values to"
                                + " regress, set targets = values)");
        Path fraction = write("fraction.csv", "1,2,0.5\n");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(fraction).build())
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(fraction + ":1: column 3: \"0.5\" is not a class index");
        Path values = write("values.csv", "1,2,-0.5\n3,4,2\n");
        assertThat(
                        CsvDataset.builder()
                                .setPath(values)
                                .optTargets(CsvTargets.VALUES)
                                .build()
                                .label(0))
                .isEqualTo(-0.5f);
    }

    @Test
    void nonNumericCellNamesFileLineAndColumn() throws IOException {
        Path file = write("cells.csv", "1,2,0\n3,abc,1\n");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(file).build())
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        file
                                + ":2: column 2: \"abc\" is not a number; every cell must be a"
                                + " decimal number such as 0.5 or -3e2");
        Path nan = write("nan.csv", "1,NaN,0\n");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(nan).build())
                .hasMessage(
                        nan
                                + ":1: column 2: \"NaN\" is not a finite number; every cell must be a"
                                + " finite decimal number such as 0.5 or -3e2 (NaN and infinities"
                                + " are not allowed)");
        Path empty = write("empty-cell.csv", "1,2,0\n1,,0\n");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(empty).build())
                .hasMessage(empty + ":2: column 2 is empty");
    }

    @Test
    void otherBadInputsAreExplained() throws IOException {
        Path file = write("ok.csv", "1,2,0\n");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(file).optLabelColumn(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label column 3 is out of range for 3 columns in " + file);
        Path headerOnly = write("header-only.csv", "a,b\n");
        assertThatThrownBy(() -> CsvDataset.builder().setPath(headerOnly).optHeader(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CSV file has no data rows: " + headerOnly);
        assertThatThrownBy(() -> CsvDataset.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the CSV path is not set");
    }

    private static Throwable catchDataFormat(Runnable r) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(r::run);
        assertThat(t).isInstanceOf(DataFormatException.class);
        return t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void worksAsADjlDataset(String engine) throws Exception {
        CsvDataset digits =
                CsvDataset.builder()
                        .setPath(resource("digits-40.csv"))
                        .setSampling(8, false)
                        .build();
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Record record = digits.get(manager, 0);
            assertThat(record.getData().singletonOrThrow().getShape()).isEqualTo(new Shape(64));
            assertThat(record.getData().singletonOrThrow().toFloatArray())
                    .containsExactly(DIGITS_ROW0);
            assertThat(record.getLabels().singletonOrThrow().getFloat()).isEqualTo(0f);

            Iterator<Batch> batches = digits.getData(manager).iterator();
            int count = 0;
            while (batches.hasNext()) {
                try (Batch batch = batches.next()) {
                    assertThat(batch.getData().singletonOrThrow().getShape())
                            .isEqualTo(new Shape(8, 64));
                    assertThat(batch.getLabels().singletonOrThrow().getShape())
                            .isEqualTo(new Shape(8));
                    if (count == 0) {
                        assertThat(batch.getLabels().singletonOrThrow().toFloatArray())
                                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
                    }
                    count++;
                }
            }
            assertThat(count).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void feedsThePrefetchingBatchSource(String engine) {
        CsvDataset.Split split = buildSplit(3, FeatureScaling.MIN_MAX);
        CsvDataset train = split.train();
        TrainingSampler reference = new TrainingSampler(train.rowCount(), true, 9);
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                BatchSource source =
                        SampledBatchSource.forDataset(
                                train, new TrainingSampler(train.rowCount(), true, 9), 16, 1, 0)) {
            assertThat(source).isInstanceOf(SampledBatchSource.class);
            for (int b = 0; b < 3; b++) {
                int[] rows = reference.nextIndices(16);
                TrainingBatch batch = source.next(manager);
                float[] x = batch.data().singletonOrThrow().toFloatArray();
                float[] y = batch.labels().singletonOrThrow().toFloatArray();
                for (int i = 0; i < 16; i++) {
                    assertThat(Arrays.copyOfRange(x, i * 64, (i + 1) * 64))
                            .containsExactly(features(train, rows[i]));
                    assertThat(y[i]).isEqualTo(train.label(rows[i]));
                }
                batch.data().close();
                batch.labels().close();
            }
        }
    }
}
