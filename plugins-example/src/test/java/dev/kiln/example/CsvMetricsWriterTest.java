package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.events.EventStorage;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvMetricsWriterTest {

    @TempDir Path tmp;

    private static final Config DEFAULTS =
            ConfigFactory.parseString("file = metrics.csv, window = 20");

    /** The file as a header and rows, read back with Commons CSV. */
    private record Table(List<String> header, List<CSVRecord> rows) {
        List<String> column(String name) {
            return rows.stream().map(r -> r.isSet(name) ? r.get(name) : null).toList();
        }
    }

    private static Table read(Path file) {
        try (Reader in = Files.newBufferedReader(file);
                CSVParser parser =
                        CSVFormat.DEFAULT
                                .builder()
                                .setHeader()
                                .setSkipHeaderRecord(true)
                                .get()
                                .parse(in)) {
            return new Table(parser.getHeaderNames(), parser.getRecords());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void writesOneRowPerWriteAndOneColumnPerScalar(String engine) {
        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(20)
                        .writers("csv")
                        .set("kiln.writer-period", 5)
                        .train();

        Table table = read(run.file("metrics.csv"));
        assertThat(table.header().get(0)).isEqualTo("iteration");
        assertThat(table.header()).contains("total_loss", "lr", "time", "data_time");
        assertThat(table.header()).doesNotHaveDuplicates();
        assertThat(table.column("iteration")).containsExactly("4", "9", "14", "19");
        // lr is put without a smoothing hint: its newest value
        assertThat(table.column("lr")).containsOnly(Double.toString(run.history("lr").latest()));
        assertThat(Double.parseDouble(table.column("lr").get(0))).isCloseTo(0.05, within(1e-6));
        // total_loss is smoothed: the median of the newest 20 values, here all of them
        double median = run.history("total_loss").median(20);
        assertThat(Double.parseDouble(table.column("total_loss").get(3))).isEqualTo(median);
        assertThat(run.file("metrics.csv.tmp")).doesNotExist();
    }

    @Test
    void theFileNameAndWindowComeFromTheConfig() {
        TrainedRun run =
                TestTrainer.in(tmp)
                        .iterations(6)
                        .writers("csv")
                        .set("kiln.writer-period", 3)
                        .set("kiln.csv.file", "logs/table.csv")
                        .set("kiln.csv.window", 1)
                        .train();

        assertThat(run.file("metrics.csv")).doesNotExist();
        Table table = read(run.file("logs/table.csv"));
        double last = run.history("total_loss").latest();
        assertThat(Double.parseDouble(table.column("total_loss").get(1))).isEqualTo(last);
    }

    @Test
    void aScalarAppearingLaterWidensTheHeaderAndEarlierRowsGetEmptyCells() {
        CsvMetricsWriter writer = new CsvMetricsWriter(DEFAULTS, tmp);
        EventStorage storage = new EventStorage();
        storage.putScalar("loss", 1.0, false);
        writer.write(storage);
        storage.setIter(1);
        storage.putScalar("loss", 0.5, false);
        storage.putScalar("eval/accuracy, top-1", 0.9, false);
        writer.write(storage);
        storage.setIter(2);
        storage.putScalar("loss", 0.25, false);
        writer.write(storage);
        writer.close();

        Table table = read(tmp.resolve("metrics.csv"));
        assertThat(table.header()).containsExactly("iteration", "loss", "eval/accuracy, top-1");
        assertThat(table.column("iteration")).containsExactly("0", "1", "2");
        assertThat(table.column("loss")).containsExactly("1.0", "0.5", "0.25");
        // the accuracy is not written again at iteration 2: it has no newer value
        assertThat(table.column("eval/accuracy, top-1")).containsExactly("", "0.9", "");
        assertThat(tmp.resolve("metrics.csv.tmp")).doesNotExist();
    }

    @Test
    void aWriteWithNothingNewWritesNoRow() {
        CsvMetricsWriter writer = new CsvMetricsWriter(DEFAULTS, tmp);
        EventStorage storage = new EventStorage();
        writer.write(storage);
        assertThat(tmp.resolve("metrics.csv")).as("no file before any scalar").doesNotExist();
        storage.putScalar("loss", 1.0, false);
        writer.write(storage);
        writer.write(storage);
        writer.close();

        assertThat(read(tmp.resolve("metrics.csv")).rows()).hasSize(1);
    }

    @Test
    void valuesPutAtDifferentIterationsGoToTheirOwnRowsInOrder() {
        CsvMetricsWriter writer = new CsvMetricsWriter(DEFAULTS, tmp);
        EventStorage storage = new EventStorage();
        storage.setIter(3);
        storage.putScalar("a", 3, false);
        storage.setIter(5);
        storage.putScalar("b", 5, false);
        writer.write(storage);
        writer.close();

        Table table = read(tmp.resolve("metrics.csv"));
        assertThat(table.column("iteration")).containsExactly("3", "5");
        assertThat(table.column("a")).containsExactly("3.0", "");
        assertThat(table.column("b")).containsExactly("", "5.0");
    }

    @Test
    void aResumedRunDropsTheRowsFromTheResumePointOnAndKeepsTheHeader() {
        CsvMetricsWriter first = new CsvMetricsWriter(DEFAULTS, tmp);
        EventStorage storage = new EventStorage();
        for (int i = 0; i < 6; i++) {
            storage.setIter(i);
            storage.putScalar("loss", i, false);
            if (i == 1) {
                storage.putScalar("extra", 42, false);
            }
            first.write(storage);
        }
        first.close();

        CsvMetricsWriter resumed = new CsvMetricsWriter(DEFAULTS, tmp);
        resumed.resumeAt(3);
        EventStorage again = new EventStorage(3);
        again.putScalar("loss", 30, false);
        resumed.write(again);
        resumed.close();

        Table table = read(tmp.resolve("metrics.csv"));
        assertThat(table.header()).containsExactly("iteration", "loss", "extra");
        assertThat(table.column("iteration")).containsExactly("0", "1", "2", "3");
        assertThat(table.column("loss")).containsExactly("0.0", "1.0", "2.0", "30.0");
        assertThat(table.column("extra")).containsExactly("", "42.0", "", "");
    }

    @Test
    void aFileThatIsNotAMetricsCsvIsNotTouched() throws IOException {
        Path file = Files.writeString(tmp.resolve("metrics.csv"), "name,value\nx,1\n");
        CsvMetricsWriter writer = new CsvMetricsWriter(DEFAULTS, tmp);
        EventStorage storage = new EventStorage();
        storage.putScalar("loss", 1.0, false);

        assertThatThrownBy(() -> writer.write(storage))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file.toString())
                .hasRootCauseMessage(
                        file + " is not a metrics CSV: its first column is not \"iteration\"");
        assertThat(file).hasContent("name,value\nx,1\n");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void nonFiniteValuesAreWrittenAsJavaNamesThem() {
        CsvMetricsWriter writer = new CsvMetricsWriter(DEFAULTS, tmp);
        EventStorage storage = new EventStorage();
        storage.putScalar("nan", Double.NaN, false);
        storage.putScalar("inf", Double.POSITIVE_INFINITY, false);
        writer.write(storage);
        writer.close();

        Table table = read(tmp.resolve("metrics.csv"));
        assertThat(table.column("nan")).containsExactly("NaN");
        assertThat(table.column("inf")).containsExactly("Infinity");
    }

    @Test
    void aWindowBelowOneIsRefusedNamingTheKey() {
        Config bad = ConfigFactory.parseString("file = metrics.csv, window = 0");

        assertThatThrownBy(() -> new CsvMetricsWriter(bad, tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "kiln.csv.window: must be a whole number at least 1 but is 0");
    }
}
