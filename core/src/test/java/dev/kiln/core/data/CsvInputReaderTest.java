package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.kiln.core.config.ConfigLoader;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.data.DataRole;
import dev.kiln.data.LoadedData;
import dev.kiln.predict.InputException;
import dev.kiln.predict.InputReader;
import dev.kiln.predict.NamedInput;
import dev.kiln.predict.PredictionInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code csv} dataset's prediction input: raw rows read by the {@code csv} input reader, after
 * a round trip of its settings through JSON, equal the dataset's own examples bitwise.
 */
class CsvInputReaderTest {

    @TempDir Path tmp;

    @Test
    void rawRowsReadAsTheHeldOutExamplesAre() throws Exception {
        Path file = Path.of(getClass().getResource("/data/digits-40.csv").toURI());
        LoadedData data = load(file, "standardize", false, 0.25);
        CsvDataset heldOut = (CsvDataset) data.heldOut().orElseThrow();
        InputReader reader = readerThroughJson(data.input().orElseThrow());
        List<String> lines = Files.readAllLines(file);

        assertThat(reader.exampleShape()).isEqualTo(data.exampleShape());
        int features = heldOut.featureCount();
        for (int row = 0; row < heldOut.rowCount(); row++) {
            String line = lines.get(heldOut.sourceRows()[row]);
            String cells = line.substring(0, line.lastIndexOf(','));
            float[] expected = new float[features];
            heldOut.copyFeatures(row, expected, 0);
            float[] read = reader.read(new NamedInput("row " + row, cells));
            assertThat(bits(read)).as("row %d", row).isEqualTo(bits(expected));
        }
    }

    @Test
    void aFileGivesItsRowsAfterTheHeaderNamedByLine() throws IOException {
        Path train = write("train.csv", "x1,x2,label\n1,10,0\n2,20,1\n3,30,0\n4,40,1\n");
        InputReader reader =
                readerThroughJson(load(train, "min-max", true, 0).input().orElseThrow());
        Path rows = write("rows.csv", "x1,x2\n1,10\n\n4,40\n");

        List<NamedInput> inputs = reader.expand(rows.toString());

        assertThat(inputs)
                .containsExactly(
                        new NamedInput(rows + ":2", "1,10"), new NamedInput(rows + ":4", "4,40"));
        assertThat(reader.read(inputs.get(0))).containsExactly(0f, 0f);
        assertThat(reader.read(inputs.get(1))).containsExactly(1f, 1f);
        assertThat(reader.expand("2.5, 25")).containsExactly(new NamedInput("2.5, 25", "2.5, 25"));
    }

    @Test
    void eachBadRowIsNamedWithWhatIsWrong() throws IOException {
        Path train = write("train.csv", "1,10,0\n2,20,1\n3,30,0\n");
        InputReader reader = readerThroughJson(load(train, "none", false, 0).input().orElseThrow());

        assertThatThrownBy(() -> reader.read(new NamedInput("rows.csv:3", "1,2,3")))
                .isInstanceOf(InputException.class)
                .hasMessage(
                        "rows.csv:3: 3 cells; the model reads 2 features (the feature columns only,"
                                + " without labels)");
        assertThatThrownBy(() -> reader.read(new NamedInput("rows.csv:4", "1")))
                .isInstanceOf(InputException.class)
                .hasMessage(
                        "rows.csv:4: 1 cell; the model reads 2 features (the feature columns"
                                + " only, without labels)");
        assertThatThrownBy(() -> reader.read(new NamedInput("rows.csv:5", "1,NaN")))
                .isInstanceOf(InputException.class)
                .hasMessage("rows.csv:5: column 2: \"NaN\" is not a number");
        assertThatThrownBy(() -> reader.read(new NamedInput("rows.csv:6", "1,")))
                .isInstanceOf(InputException.class)
                .hasMessage("rows.csv:6: column 2: \"\" is not a number");
        assertThatThrownBy(() -> reader.expand("no-such-file.csv"))
                .isInstanceOf(InputException.class)
                .hasMessage(
                        "no-such-file.csv: no such file, and not a row of 2 numbers separated by"
                                + " ','");
        assertThatThrownBy(() -> reader.expand(tmp.toString()))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(tmp + ": is a folder; this model reads rows of 2");
        Path binary =
                Files.write(
                        tmp.resolve("image.png"),
                        new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xff, (byte) 0xfe});
        assertThatThrownBy(() -> reader.expand(binary.toString()))
                .isInstanceOf(InputException.class)
                .hasMessage(binary + ": not a text file; this model reads CSV rows of 2 features");
        Path empty = write("empty.csv", "\n\n");
        assertThatThrownBy(() -> reader.expand(empty.toString()))
                .isInstanceOf(InputException.class)
                .hasMessage(empty + ": holds no rows");
    }

    @Test
    void malformedSettingsAreRefusedAsSuch() {
        assertThatThrownBy(
                        () ->
                                new CsvInputReaderProvider()
                                        .create(ConfigFactory.parseString("delimiter = \",\"")))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("the csv preprocessing is malformed: ");
    }

    private LoadedData load(Path file, String scaling, boolean header, double testFraction)
            throws IOException {
        Path conf =
                write(
                        "run.conf",
                        "kiln.data.train { path = \""
                                + file
                                + "\", scaling = "
                                + scaling
                                + ", header = "
                                + header
                                + ", test-fraction = "
                                + testFraction
                                + " }\n");
        KilnConfig config = ConfigLoader.builder().files(List.of(conf)).load();
        return new CsvDatasetProvider(config.config().getConfig("kiln"))
                .load(config.trainData(), DataRole.TRAIN);
    }

    private static InputReader readerThroughJson(PredictionInput input) {
        assertThat(input.reader()).isEqualTo(CsvInputReaderProvider.NAME);
        String json = input.settings().root().render(ConfigRenderOptions.concise());
        return new CsvInputReaderProvider().create(ConfigFactory.parseString(json));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static int[] bits(float[] values) {
        return Arrays.stream(toDoubles(values))
                .mapToInt(d -> Float.floatToRawIntBits((float) d))
                .toArray();
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
