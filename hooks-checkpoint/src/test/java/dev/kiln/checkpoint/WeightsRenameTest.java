package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.parameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.ConfigFactory;
import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.spi.SettingsException;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.TestData;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.train.WeightsSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln.weights} as an object: its names renamed before they are matched with the model's,
 * strict mode, and the errors of a bad rule, each found while the run is built.
 */
class WeightsRenameTest {

    @TempDir Path tmp;

    private Path trained;
    private Map<String, byte[]> saved;

    /** Trains the [16] MLP for a few iterations and keeps its model_final. */
    @BeforeEach
    void train() throws Exception {
        Path dir = tmp.resolve("first");
        try (KilnRun run = run(dir, List.of("kiln.hooks=[checkpoint]", "kiln.solver.max-iter=3"));
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            saved = parameters(trainer);
        }
        trained = dir.resolve(CheckpointHook.FINAL);
    }

    private KilnRun run(Path outputDir, List<String> overrides, Path... configFiles) {
        Path work = outputDir.toAbsolutePath().getParent();
        TestTrainer kit =
                TestTrainer.in(work)
                        .data(TestData.digits40(work.resolve("data")))
                        .set("kiln.solver.max-iter", 30)
                        .set("kiln.solver.batch-size", 8)
                        .set("kiln.model.hidden-sizes", List.of(16))
                        .outputDir(outputDir)
                        .overrides(overrides.toArray(String[]::new));
        for (Path file : configFiles) {
            kit.configFile(file);
        }
        return kit.load();
    }

    private Path conf(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void aPathAloneIsReadAsBeforeAndTheObjectFormReadsItsRules() throws IOException {
        WeightsSource plain =
                WeightsSource.of(ConfigFactory.parseString("weights = \"a/model_final\""))
                        .orElseThrow();
        assertThat(plain.path()).isEqualTo(Path.of("a/model_final"));
        assertThat(plain.rename()).isEmpty();
        assertThat(plain.strict()).isFalse();
        assertThat(WeightsSource.of(ConfigFactory.parseString("weights = null"))).isEmpty();

        WeightsSource object =
                WeightsSource.of(
                                ConfigFactory.parseString(
                                        "weights { path = x.safetensors, strict = true, rename = ["
                                                + " { from = \"^backbone\\\\.(.*)$\", to = \"$1\""
                                                + " }, { from = output, to = head } ] }"))
                        .orElseThrow();
        assertThat(object.strict()).isTrue();
        assertThat(object.rename()).hasSize(2);
        assertThat(object.renamed("backbone.01hidden1_weight")).isEqualTo("01hidden1_weight");
        assertThat(object.renamed("03output_bias")).isEqualTo("03head_bias");
        assertThat(object.renamed("other")).isEqualTo("other");
        // the first rule that matches wins
        assertThat(object.renamed("backbone.03output_bias")).isEqualTo("03output_bias");
    }

    @Test
    void badValuesNameTheFileLineAndKey() throws IOException {
        Path badRegex =
                conf(
                        "bad-regex.conf",
                        "weights {\n  path = x\n  rename = [\n    { from = \"(unclosed\", to = y"
                                + " }\n  ]\n}\n");
        assertThatThrownBy(() -> WeightsSource.of(ConfigFactory.parseFile(badRegex.toFile())))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith(
                        badRegex
                                + ":4: kiln.weights.rename[0].from: invalid regular expression"
                                + " \"(unclosed\": ");
        Path noTo = conf("no-to.conf", "weights {\n  path = x\n  rename = [{ from = a }]\n}\n");
        assertThatThrownBy(() -> WeightsSource.of(ConfigFactory.parseFile(noTo.toFile())))
                .hasMessageStartingWith(noTo + ":3: kiln.weights.rename[0]: has no to");
        Path noPath = conf("no-path.conf", "weights {\n  strict = true\n}\n");
        assertThatThrownBy(() -> WeightsSource.of(ConfigFactory.parseFile(noPath.toFile())))
                .hasMessageStartingWith(noPath + ":1: kiln.weights: the object has no path");
        Path typo = conf("typo.conf", "weights {\n  path = x\n  strickt = true\n}\n");
        assertThatThrownBy(() -> WeightsSource.of(ConfigFactory.parseFile(typo.toFile())))
                .hasMessageStartingWith(typo + ":3: kiln.weights.strickt: unknown key")
                .hasMessageContaining("did you mean strict?");
    }

    @Test
    void theConfigValidatorReportsABadRuleBeforeAnyWork() throws IOException {
        Path conf =
                conf(
                        "weights.conf",
                        "kiln.weights {\n  path = \""
                                + trained
                                + "\"\n  rename = [{ from = \"[a-\", to = b }]\n}\n");
        Path dir = tmp.resolve("second");

        assertThatThrownBy(() -> run(dir, List.of(), conf).close())
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining(conf + ":3: kiln.weights.rename[0].from: invalid regular")
                .hasMessageContaining("\"[a-\"");
        assertThat(dir).doesNotExist();
    }

    @Test
    void aRenamedOutputLayerIsReportedAndKeepsItsInitialValues() throws Exception {
        Path dir = tmp.resolve("second");
        String weights =
                "kiln.weights={path=\""
                        + trained
                        + "\", rename=[{from=\"^(\\\\d+)output_\", to=\"$1old_output_\"}]}";
        try (KilnRun run = run(dir, List.of("kiln.hooks=[checkpoint]", weights));
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            Map<String, byte[]> initial = parameters(trainer);
            WeightsReport report =
                    Checkpointer.builder(dir, trainer.model())
                            .build()
                            .loadWeights(trainer.config().weights().orElseThrow());

            assertThat(report.loaded()).containsExactly("01hidden1_weight", "01hidden1_bias");
            assertThat(report.missing()).containsExactly("03output_weight", "03output_bias");
            assertThat(report.unexpected())
                    .containsExactly(
                            "03old_output_weight (was 03output_weight)",
                            "03old_output_bias (was 03output_bias)");
            assertThat(report.renamed())
                    .containsExactly(
                            Map.entry("03output_weight", "03old_output_weight"),
                            Map.entry("03output_bias", "03old_output_bias"));
            assertThat(report.unusedRules()).isEmpty();
            Map<String, byte[]> now = parameters(trainer);
            assertThat(now.get("01hidden1_weight")).isEqualTo(saved.get("01hidden1_weight"));
            assertThat(now.get("03output_weight")).isEqualTo(initial.get("03output_weight"));
        }
    }

    @Test
    void renamingMakesAFileOfOtherNamesFitAndARuleThatMatchesNothingIsReported() throws Exception {
        Map<String, TensorData> prefixed = new LinkedHashMap<>();
        Path dir = tmp.resolve("second");
        try (KilnRun run = run(tmp.resolve("source"), List.of());
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            for (Pair<String, Parameter> p : trainer.model().getParameters()) {
                prefixed.put("backbone." + p.getKey(), TensorData.of(p.getValue().getArray()));
            }
        }
        Path file = tmp.resolve("backbone.safetensors");
        try (FileChannel out =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafeTensors.write(prefixed, Map.of(), out);
        }
        String weights =
                "kiln.weights={path=\""
                        + file
                        + "\", strict=true, rename=[{from=\"^backbone\\\\.(.*)$\", to=\"$1\"},"
                        + " {from=nothing-like-this, to=x}]}";
        try (KilnRun run = run(dir, List.of("kiln.hooks=[checkpoint]", weights));
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            WeightsReport report =
                    Checkpointer.builder(dir, trainer.model())
                            .build()
                            .loadWeights(trainer.config().weights().orElseThrow());

            assertThat(report.fits()).isTrue();
            assertThat(report.loaded()).hasSize(4);
            assertThat(report.unusedRules())
                    .containsExactly(
                            "kiln.weights.rename[1] { from = \"nothing-like-this\", to = \"x\" }");
            Map<String, byte[]> now = parameters(trainer);
            prefixed.forEach(
                    (name, data) ->
                            assertThat(now.get(name.substring("backbone.".length())))
                                    .isEqualTo(data.data()));
        }
    }

    @Test
    void twoNamesRenamedToOneStopTheRunWhileItIsBuilt() throws Exception {
        Path dir = tmp.resolve("second");
        String weights =
                "kiln.weights={path=\""
                        + trained
                        + "\", rename=[{from=\"_(weight|bias)$\", to=\"_param\"}]}";
        try (KilnRun run = run(dir, List.of("kiln.hooks=[checkpoint]", weights));
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::setUp)
                    .isInstanceOf(SettingsException.class)
                    .hasMessageStartingWith(
                            "command line override 5: kiln.weights.rename: \"01hidden1_weight\""
                                    + " and \"01hidden1_bias\" of "
                                    + trained
                                    + " would both be loaded as \"01hidden1_param\"");
        }
        assertThat(dir).as("nothing written").doesNotExist();
    }

    @Test
    void strictWeightsThatDoNotFitStopTheRunWhileItIsBuilt() throws Exception {
        Path dir = tmp.resolve("second");
        Path conf =
                conf(
                        "strict.conf",
                        "kiln {\n  weights {\n    path = \""
                                + trained
                                + "\"\n    strict = true\n  }\n}\n");
        try (KilnRun run =
                        run(
                                dir,
                                List.of("kiln.hooks=[checkpoint]", "kiln.model.hidden-sizes=[8]"),
                                conf);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::setUp)
                    .isInstanceOf(SettingsException.class)
                    .hasMessage(
                            conf
                                    + ":2: kiln.weights: "
                                    + trained
                                    + " does not fit the model, and strict = true: mismatched"
                                    + " [01hidden1_weight: file float32(16, 64) vs model"
                                    + " float32(8, 64), 01hidden1_bias: file float32(16) vs model"
                                    + " float32(8), 03output_weight: file float32(10, 16) vs model"
                                    + " float32(10, 8)] (names after"
                                    + " kiln.weights.rename; set strict = false to skip them and"
                                    + " keep their initial values)");
        }
        assertThat(dir).as("nothing written").doesNotExist();
    }

    @Test
    void strictWeightsThatFitLoad() throws Exception {
        Path dir = tmp.resolve("second");
        String weights = "kiln.weights={path=\"" + trained + "\", strict=true}";
        try (KilnRun run = run(dir, List.of("kiln.hooks=[checkpoint]", weights));
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            new CheckpointHook(Checkpointer.builder(dir, trainer.model()).build(), 10, 0, false)
                    .loadWeights(trainer.config().weights().orElseThrow());
            Map<String, byte[]> now = parameters(trainer);
            assertThat(now.keySet()).containsExactlyElementsOf(saved.keySet());
            saved.forEach((name, bytes) -> assertThat(now.get(name)).as(name).isEqualTo(bytes));
        }
    }
}
