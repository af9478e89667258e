package dev.kiln.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.data.CsvDataset;
import dev.kiln.core.export.ExportManifest;
import dev.kiln.core.export.ModelExporter;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trains the digits quickstart briefly, exports it as {@code kiln export} does, and runs {@link
 * ClassifyRows} on the held-out rows under each engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClassifyRowsTest {

    private static final Path DIGITS = Path.of("digits/digits.csv.gz");

    private Path export;
    private List<String> rows;
    private List<String> labels;

    @BeforeAll
    void trainAndExport(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        List<String> overrides =
                List.of(
                        "kiln.data.train.path=\"" + DIGITS.toAbsolutePath() + "\"",
                        "kiln.solver.max-iter=600",
                        "kiln.writers=[]");
        try (KilnRun loaded =
                        KilnRun.builder()
                                .configFiles(List.of(Path.of("digits/digits-mlp.conf")))
                                .overrides(overrides)
                                .outputDir(run.toString())
                                .load();
                DefaultTrainer trainer = new DefaultTrainer(loaded.config(), loaded.registry())) {
            trainer.train();
            // as kiln train leaves it in the run directory
            Files.writeString(run.resolve(ModelExporter.CONFIG_FILE), trainer.config().render());
        }
        export = tmp.resolve("export");
        try (KilnRun loaded = ModelExporter.runBuilder(run, ExportManifest.TRAINED).load();
                DefaultTrainer trainer = new DefaultTrainer(loaded.config(), loaded.registry())) {
            ModelExporter.export(trainer, Optional.empty(), ExportManifest.TRAINED, export);
        }
        heldOutRows();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void classifiesTheHeldOutRowsAsTheRunDid(String engine) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ClassifyRows.classify(
                export, rows, engine, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSameSizeAs(rows);
        int correct = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(" ");
            assertThat(Double.parseDouble(cells[1])).isBetween(0.0, 1.0);
            if (cells[0].equals(labels.get(i))) {
                correct++;
            }
        }
        assertThat(correct / (double) rows.size()).isGreaterThan(0.9);
    }

    /** The rows the quickstart holds out (20%, split seed 0), features only, and their labels. */
    private void heldOutRows() throws Exception {
        List<String> all = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(Files.newInputStream(DIGITS)),
                                StandardCharsets.UTF_8))) {
            in.lines().forEach(all::add);
        }
        CsvDataset test =
                CsvDataset.builder()
                        .setPath(DIGITS)
                        .optTestFraction(0.2)
                        .optSplitSeed(0)
                        .setSampling(32, false)
                        .buildSplit()
                        .test();
        rows = new ArrayList<>();
        labels = new ArrayList<>();
        for (int source : test.sourceRows()) {
            String line = all.get(source);
            int last = line.lastIndexOf(',');
            rows.add(line.substring(0, last));
            labels.add(line.substring(last + 1));
        }
    }
}
