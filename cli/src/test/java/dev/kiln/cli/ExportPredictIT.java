package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.core.data.CsvDataset;
import dev.kiln.testkit.KilnCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kiln export} then {@code kiln predict}: the predictions of an export reproduce the run's
 * own {@code test/accuracy} on its test data to 4 decimals, for the quickstart and for the image
 * example, under the engine that trained it and under the other; and each bad input is refused
 * with one message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportPredictIT {

    private static final List<String> ENGINES = List.of("PyTorch", "MXNet");

    private Path tmp;
    private final Map<String, Path> digitsRuns = new HashMap<>();
    private final Map<String, Path> digitsExports = new HashMap<>();
    private final Map<String, Path> imageRuns = new HashMap<>();
    private final Map<String, Path> imageExports = new HashMap<>();
    private Path testRows;
    private List<String> testLabels;

    @BeforeAll
    void trainAndExport(@TempDir Path dir) throws IOException {
        tmp = dir;
        for (String engine : ENGINES) {
            QuickstartRuns.Run quickstart = QuickstartRuns.of(engine);
            assertThat(quickstart.result().exitCode()).as(quickstart.result().describe()).isZero();
            Path digits = quickstart.dir();
            digitsRuns.put(engine, digits);
            digitsExports.put(engine, export(digits));

            Path images = tmp.resolve("images-" + engine);
            succeed(
                    "train",
                    "--config",
                    "examples/images/images.conf",
                    "--engine",
                    engine,
                    "--output-dir",
                    images.toString(),
                    "kiln.solver.max-iter=200");
            imageRuns.put(engine, images);
            imageExports.put(engine, export(images));
        }
        writeTestSplit();
    }

    @ParameterizedTest(name = "exported under {0}, predicted under {1}")
    @CsvSource({"PyTorch,PyTorch", "PyTorch,MXNet", "MXNet,MXNet", "MXNet,PyTorch"})
    void predictionsOfTheQuickstartReproduceItsTestAccuracy(String trained, String predicted)
            throws IOException {
        List<JsonObject> lines =
                predictJson(digitsExports.get(trained), predicted, testRows.toString());
        assertThat(lines).hasSameSizeAs(testLabels);
        int correct = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonObject line = lines.get(i);
            assertThat(line.get("input").getAsString()).isEqualTo(testRows + ":" + (i + 1));
            String best = bestClass(line);
            if (best.equals(testLabels.get(i))) {
                correct++;
            }
        }
        report(
                "quickstart",
                trained,
                predicted,
                correct,
                lines.size(),
                finalTestAccuracy(digitsRuns.get(trained)));
        assertThat(fourDecimals(correct / (double) lines.size()))
                .isEqualTo(fourDecimals(finalTestAccuracy(digitsRuns.get(trained))));
    }

    @ParameterizedTest(name = "exported under {0}, predicted under {1}")
    @CsvSource({"PyTorch,PyTorch", "PyTorch,MXNet", "MXNet,MXNet", "MXNet,PyTorch"})
    void predictionsOfTheImageModelReproduceItsTestAccuracy(String trained, String predicted)
            throws IOException {
        Path folder = Repository.root().resolve("examples/images/test");
        List<JsonObject> lines =
                predictJson(imageExports.get(trained), predicted, folder.toString());
        assertThat(lines).hasSize(200);
        int correct = 0;
        for (JsonObject line : lines) {
            Path input = Path.of(line.get("input").getAsString());
            assertThat(input).startsWith(folder);
            if (bestClass(line).equals(input.getParent().getFileName().toString())) {
                correct++;
            }
        }
        report(
                "images",
                trained,
                predicted,
                correct,
                lines.size(),
                finalTestAccuracy(imageRuns.get(trained)));
        assertThat(fourDecimals(correct / (double) lines.size()))
                .isEqualTo(fourDecimals(finalTestAccuracy(imageRuns.get(trained))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theEmaWeightsExportAndReproduceTheirTestAccuracy(String engine) throws IOException {
        Path run = tmp.resolve("ema-" + engine);
        succeed(
                "train",
                "--config",
                Repository.quickstartConfig().toString(),
                "--engine",
                engine,
                "--output-dir",
                run.toString(),
                "kiln.solver.max-iter=600",
                "kiln.hooks+=ema",
                "kiln.ema.decay=0.99");
        Path to = tmp.resolve("ema-" + engine + "-export");
        KilnCommand.Result result =
                KilnCommand.run(
                        Repository.root(),
                        "export",
                        "--run",
                        run.toString(),
                        "--weights",
                        "ema",
                        "--to",
                        to.toString());
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(Files.readString(to.resolve("model.json"))).contains("\"weights\" : \"ema\"");

        List<JsonObject> lines = predictJson(to, engine, testRows.toString());
        int correct = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (bestClass(lines.get(i)).equals(testLabels.get(i))) {
                correct++;
            }
        }
        assertThat(fourDecimals(correct / (double) lines.size()))
                .isEqualTo(fourDecimals(finalResult(run, "test-ema/accuracy")));

        Path none = tmp.resolve("ema-" + engine + "-none");
        KilnCommand.Result unknown =
                KilnCommand.run(
                        Repository.root(),
                        "export",
                        "--run",
                        digitsRuns.get(engine).toString(),
                        "--weights",
                        "ema",
                        "--to",
                        none.toString());
        assertThat(unknown.assertBadInput(none))
                .contains("--weights ema: none of the run's hooks keeps such weights");
    }

    @Test
    void theExportHoldsParametersConfigPreprocessingAndClassNames() throws IOException {
        Path export = imageExports.get("PyTorch");
        assertThat(export.resolve("model.safetensors")).isNotEmptyFile();
        String manifest = Files.readString(export.resolve("model.json"));
        assertThat(manifest)
                .contains("\"type\" : \"cnn\"")
                .contains("\"output-activation\" : \"softmax\"");
        assertThat(Files.readString(export.resolve("preprocessing.json")))
                .contains("\"reader\" : \"image\"")
                .contains("normalize");
        assertThat(Files.readAllLines(export.resolve("synset.txt")))
                .hasSize(10)
                .contains("ankle-boot", "bag");
    }

    @Test
    void textOutputPrintsTheTopClassesBestFirst() {
        String row = firstRow();
        KilnCommand.Result result = predict(digitsExports.get("PyTorch"), "--top-k", "3", row);
        assertThat(result.exitCode()).as(result.describe()).isZero();
        List<String> lines = result.stdout().lines().toList();
        assertThat(lines).as(result.describe()).hasSize(1);
        assertThat(lines.get(0)).matches("\\Q" + row + "\\E:(  \\d \\d\\.\\d{4}){3}");
    }

    @Test
    void aRegressionPrintsItsValues() {
        Path run = tmp.resolve("regression");
        succeed(
                "train",
                "--config",
                Repository.quickstartConfig().toString(),
                "--output-dir",
                run.toString(),
                "kiln.solver.max-iter=50",
                "kiln.data.train.targets=values",
                "kiln.loss.type=l2",
                "kiln.eval.evaluators=[regression]");
        Path export = export(run);
        KilnCommand.Result result = predict(export, "--json", firstRow());
        assertThat(result.exitCode()).as(result.describe()).isZero();
        JsonObject line = JsonParser.parseString(result.stdout().strip()).getAsJsonObject();
        assertThat(line.get("input").getAsString()).isEqualTo(firstRow());
        assertThat(line.getAsJsonArray("values")).hasSize(1);
        assertThat(line.has("predictions")).isFalse();
        assertThat(export.resolve("synset.txt")).doesNotExist();
    }

    @Test
    void exportOfARunWithoutACheckpointIsRefused() {
        Path run = tmp.resolve("no-checkpoint");
        succeed(
                "train",
                "--config",
                Repository.quickstartConfig().toString(),
                "--output-dir",
                run.toString(),
                "kiln.solver.max-iter=5",
                "kiln.hooks=[]");
        Path to = tmp.resolve("no-checkpoint-export");
        String message = runExport(run, to).assertBadInput(to);
        assertThat(message).contains("holds no usable checkpoint").contains(run.toString());
    }

    @Test
    void exportOfAMissingCheckpointNamesTheOnesThere() {
        Path to = tmp.resolve("missing-checkpoint-export");
        KilnCommand.Result result =
                KilnCommand.run(
                        Repository.root(),
                        "export",
                        "--run",
                        digitsRuns.get("PyTorch").toString(),
                        "--checkpoint",
                        "model_9999999",
                        "--to",
                        to.toString());
        assertThat(result.assertBadInput(to))
                .contains("no checkpoint model_9999999")
                .contains("model_final");
    }

    @Test
    void exportIntoADirectoryWithFilesIsRefusedAndLeavesIt() throws IOException {
        Path to = Files.createDirectories(tmp.resolve("occupied"));
        Path mine = Files.writeString(to.resolve("notes.txt"), "mine");
        String message = runExport(digitsRuns.get("PyTorch"), to).assertBadInput(null);
        assertThat(message).contains(to.toString()).contains("holds files");
        assertThat(Files.readString(mine)).isEqualTo("mine");
        try (var files = Files.list(to)) {
            assertThat(files).containsExactly(mine);
        }
    }

    @Test
    void exportIntoTheRunDirectoryAndAnUnknownEngineAreRefused() {
        Path run = digitsRuns.get("PyTorch");
        Path inside = run.resolve("exported");
        assertThat(runExport(run, inside).assertBadInput(inside))
                .contains("is inside the run directory");
        KilnCommand.Result engine =
                predict(digitsExports.get("PyTorch"), "--engine", "Foo", firstRow());
        assertThat(engine.assertBadInput(null)).contains("--engine Foo: unknown engine");
    }

    @Test
    void exportOfADirectoryThatIsNoRunIsRefused() {
        Path to = tmp.resolve("no-run-export");
        String message = runExport(tmp, to).assertBadInput(to);
        assertThat(message).contains("not a run directory").contains("config.conf");
    }

    @Test
    void predictWithARowOfTheWrongWidthIsRefused() {
        KilnCommand.Result result = predict(digitsExports.get("PyTorch"), firstRow(), "1,2,3");
        assertThat(result.assertBadInput(null))
                .contains("1,2,3: 3 cells; the model reads 64 features");
        assertThat(result.stdout()).as("nothing predicted before the bad input").isBlank();
    }

    @Test
    void predictWithAFileOfRowsWithABadCellNamesItsLine() throws IOException {
        Path rows =
                Files.writeString(
                        tmp.resolve("bad-rows.csv"),
                        firstRow() + "\n" + firstRow().replaceFirst("^0", "x") + "\n");
        KilnCommand.Result result = predict(digitsExports.get("PyTorch"), rows.toString());
        assertThat(result.assertBadInput(null))
                .contains(rows + ":2: column 1: \"x\" is not a number");
    }

    @Test
    void predictWithAnUnreadableImageIsRefused() throws IOException {
        Path fake = Files.writeString(tmp.resolve("not-an-image.png"), "these are my notes\n");
        KilnCommand.Result result = predict(imageExports.get("PyTorch"), fake.toString());
        assertThat(result.assertBadInput(null))
                .contains(fake.toString())
                .contains("cannot be decoded as an image");
    }

    @Test
    void predictWithADirectoryThatIsNoExportIsRefused() {
        KilnCommand.Result result = predict(digitsRuns.get("PyTorch"), firstRow());
        assertThat(result.assertBadInput(null)).contains("model.json").contains("kiln export");
    }

    private Path export(Path run) {
        Path to = tmp.resolve(run.getFileName() + "-export");
        // the shared quickstart runs are only read: the export goes into this test's directory
        KilnCommand.Result result = runExport(run, to);
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return to;
    }

    /** {@code kiln predict --model <model> <args...>}, started in this test's directory. */
    private KilnCommand.Result predict(Path model, String... args) {
        List<String> command = new ArrayList<>(List.of("predict", "--model", model.toString()));
        command.addAll(List.of(args));
        return KilnCommand.run(tmp, command);
    }

    private static KilnCommand.Result runExport(Path run, Path to) {
        return KilnCommand.run(
                Repository.root(), "export", "--run", run.toString(), "--to", to.toString());
    }

    private static void succeed(String... args) {
        KilnCommand.Result result = KilnCommand.run(Repository.root(), args);
        assertThat(result.exitCode()).as(result.describe()).isZero();
    }

    private List<JsonObject> predictJson(Path export, String engine, String input) {
        KilnCommand.Result result =
                predict(export, "--engine", engine, "--json", "--top-k", "1", input);
        assertThat(result.exitCode()).as(result.describe()).isZero();
        List<JsonObject> lines = new ArrayList<>();
        for (String line : result.stdout().lines().toList()) {
            lines.add(JsonParser.parseString(line).getAsJsonObject());
        }
        return lines;
    }

    private static String bestClass(JsonObject line) {
        return line.getAsJsonArray("predictions")
                .get(0)
                .getAsJsonObject()
                .get("class")
                .getAsString();
    }

    private static double finalTestAccuracy(Path run) throws IOException {
        return finalResult(run, "test/accuracy");
    }

    /** @return the last value of a result in the run's metrics.json */
    private static double finalResult(Path run, String name) throws IOException {
        double value = Double.NaN;
        for (String line : Files.readAllLines(run.resolve("metrics.json"))) {
            JsonObject event = JsonParser.parseString(line).getAsJsonObject();
            if (event.has(name)) {
                value = event.get(name).getAsDouble();
            }
        }
        assertThat(value).as(name + " in " + run).isNotNaN();
        return value;
    }

    /** Prints the figures compared, so that the test's output shows them. */
    private static void report(
            String model, String trained, String predicted, int correct, int total, double run) {
        System.out.printf(
                Locale.ROOT,
                "RESULT export-predict model=%s trained=%s predicted=%s accuracy=%.4f"
                        + " run_test_accuracy=%.4f inputs=%d%n",
                model,
                trained,
                predicted,
                correct / (double) total,
                run,
                total);
    }

    private static String fourDecimals(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private String firstRow() {
        try {
            return Files.readAllLines(testRows).get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The quickstart's test split (20% of the digits rows, split seed 0) as a CSV of the feature
     * columns, and the labels of its rows.
     */
    private void writeTestSplit() throws IOException {
        Path digits = Repository.digits();
        List<String> all = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(Files.newInputStream(digits)),
                                StandardCharsets.UTF_8))) {
            in.lines().forEach(all::add);
        }
        CsvDataset test =
                CsvDataset.builder()
                        .setPath(digits)
                        .optTestFraction(0.2)
                        .optSplitSeed(0)
                        .setSampling(32, false)
                        .buildSplit()
                        .test();
        List<String> rows = new ArrayList<>();
        testLabels = new ArrayList<>();
        for (int source : test.sourceRows()) {
            String line = all.get(source);
            int last = line.lastIndexOf(',');
            rows.add(line.substring(0, last));
            testLabels.add(line.substring(last + 1));
        }
        testRows = Files.write(tmp.resolve("test-split.csv"), rows);
    }
}
