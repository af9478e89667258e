package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.KilnCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fine-tuning through the distribution, on each engine: the quickstart trains on the digits, then
 * a second run loads its {@code model_final} with {@code kiln.weights}, renaming the output layer
 * away so that it starts afresh, and freezes the first hidden layer. The frozen layer ends bitwise
 * as loaded, the others move, and the fine-tuned model still classifies the digits.
 */
class FineTuneIT {

    /** Shorter than the quickstart's 2,000, to keep the test quick; enough for both runs. */
    private static final int ITERATIONS = 600;

    @TempDir Path tmp;

    private static List<String> train(Path run, String engine, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--config",
                                Repository.quickstartConfig().toString(),
                                "--output-dir",
                                run.toString(),
                                "--engine",
                                engine,
                                Repository.digitsOverride(),
                                "kiln.solver.max-iter=" + ITERATIONS,
                                "kiln.eval.period=" + ITERATIONS));
        args.addAll(List.of(more));
        return args;
    }

    @ParameterizedTest(name = "--engine {0}")
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void fineTunesWithTheFirstLayerFrozenAndAFreshOutputLayer(String engine) throws IOException {
        Path first = tmp.resolve("first");
        KilnCommand.Result pretrain = KilnCommand.run(tmp, train(first, engine));
        assertThat(pretrain.exitCode()).as(pretrain.describe()).isZero();
        Path pretrained = first.resolve("model_final");
        Map<String, TensorData> before = SafeTensors.read(pretrained.resolve("model.safetensors"));
        List<String> hidden1 = names(before, "hidden1_");
        List<String> output = names(before, "output_");
        assertThat(hidden1).as("first layer in %s", before.keySet()).hasSize(2);
        assertThat(output).as("output layer in %s", before.keySet()).hasSize(2);

        Path second = tmp.resolve("second");
        String weights =
                "kiln.weights={ path = \""
                        + pretrained
                        + "\", rename = [{ from = \"^(\\\\d+)output_\", to ="
                        + " \"$1pretrained_output_\" }] }";
        KilnCommand.Result fineTune =
                KilnCommand.run(
                        tmp,
                        train(second, engine, weights, "kiln.solver.freeze=[\".*hidden1_.*\"]"));

        assertThat(fineTune.exitCode()).as(fineTune.describe()).isZero();
        fineTune.assertNoStackTrace();
        String log =
                Files.readString(second.resolve(RunDirectory.LOG_FILE), StandardCharsets.UTF_8);
        for (String name : output) {
            String renamed = name.replace("output_", "pretrained_output_");
            assertThat(log)
                    .as("the output layer is renamed away and re-initialized")
                    .contains(name + " -> " + renamed)
                    .containsPattern(
                            "In .*model_final but not in the model \\(ignored\\): \\[.*"
                                    + renamed
                                    + " \\(was "
                                    + name
                                    + "\\)")
                    .containsPattern(
                            "Not in .*model_final \\(initial values kept\\): \\[.*" + name);
        }
        long all = before.values().stream().mapToLong(t -> t.shape().size()).sum();
        long frozen = hidden1.stream().mapToLong(n -> before.get(n).shape().size()).sum();
        assertThat(log)
                .as("the first layer is frozen")
                .contains("Model: " + all + " parameters (" + (all - frozen) + " trainable)");

        Map<String, TensorData> after =
                SafeTensors.read(second.resolve("model_final/model.safetensors"));
        assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(before.keySet());
        for (String name : before.keySet()) {
            byte[] was = before.get(name).data();
            byte[] now = after.get(name).data();
            if (hidden1.contains(name)) {
                assertThat(now).as("%s is frozen", name).isEqualTo(was);
            } else {
                assertThat(now).as("%s trains", name).isNotEqualTo(was);
            }
        }
        double accuracy = lastTestAccuracy(second.resolve("metrics.json"));
        System.out.printf("FineTuneIT %s: test/accuracy %.4f%n", engine, accuracy);
        assertThat(accuracy)
                .as("test/accuracy after fine-tuning on " + engine)
                .isGreaterThanOrEqualTo(0.95);
    }

    private static List<String> names(Map<String, TensorData> tensors, String layer) {
        return tensors.keySet().stream().filter(n -> n.contains(layer)).toList();
    }

    private static double lastTestAccuracy(Path metrics) throws IOException {
        Double last = null;
        for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            if (row.has("test/accuracy")) {
                last = row.get("test/accuracy").getAsDouble();
            }
        }
        assertThat(last).as("a test/accuracy row in " + metrics).isNotNull();
        return last;
    }
}
