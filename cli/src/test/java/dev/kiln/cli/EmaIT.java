package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.tensors.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distribution's {@code ema} plugin: with {@code kiln.hooks += ema} the eval hook reports
 * {@code test-ema/...}, checkpoints hold the average in {@code hooks.safetensors}, and a run killed
 * with SIGKILL and resumed ends with the average of an uninterrupted run, bitwise, on both engines.
 * The ema hook is listed after the checkpoint, so a save takes the average of the step it saves
 * before the ema hook's own turn.
 */
class EmaIT {

    private static final int MAX_ITER = 600;

    @org.junit.jupiter.api.io.TempDir Path tmp;

    private static List<String> command(Path outputDir, String engine, String... more) {
        List<String> command = new ArrayList<>();
        command.add("train");
        command.add("--config");
        command.add("examples/digits/digits-mlp.conf");
        command.add("--engine");
        command.add(engine);
        command.add("--output-dir");
        command.add(outputDir.toString());
        command.add("kiln.hooks=[checkpoint, eval, ema]");
        command.add("kiln.writers=[console, json]");
        command.add("kiln.checkpoint.period=100");
        command.add("kiln.eval.period=300");
        command.add("kiln.ema.decay=0.99");
        command.add("kiln.solver.max-iter=" + MAX_ITER);
        command.add("kiln.writer-period=10");
        command.addAll(List.of(more));
        return command;
    }

    private static byte[] file(Path outputDir, String checkpoint, String name) throws Exception {
        return Files.readAllBytes(outputDir.resolve(checkpoint).resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theAverageIsEvaluatedSavedAndResumedBitwiseAfterSigkill(String engine) throws Exception {
        Path reference = tmp.resolve("reference");
        CheckpointIT.Result full = CheckpointIT.finish(command(reference, engine));
        assertThat(full.exitCode()).as(full.output()).isZero();
        assertThat(full.output()).contains("| test/accuracy").contains("| test-ema/accuracy");
        List<JsonObject> evaluated = new ArrayList<>();
        for (String line : Files.readAllLines(reference.resolve("metrics.json"))) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            if (row.has("test-ema/accuracy")) {
                evaluated.add(row);
            }
        }
        assertThat(evaluated)
                .extracting(r -> r.get("iteration").getAsLong())
                .containsExactly(299L, 599L);
        for (JsonObject row : evaluated) {
            assertThat(row.get("test-ema/accuracy").getAsDouble()).isBetween(0.5, 1.0);
            assertThat(row.has("test/accuracy")).isTrue();
        }
        assertThat(
                        SafeTensors.read(
                                        reference
                                                .resolve("model_final")
                                                .resolve("hooks.safetensors"))
                                .keySet())
                .isNotEmpty()
                .allMatch(name -> name.startsWith("ema/"))
                .contains("ema/01hidden1_weight");

        Path killed = tmp.resolve("killed");
        int killAt = 150 + new java.util.Random().nextInt(300);
        CheckpointIT.Result kill =
                CheckpointIT.interrupt(command(killed, engine), killed, killAt, true);
        assertThat(kill.exitCode()).as(kill.output()).isEqualTo(137);
        CheckpointIT.Result resumed = CheckpointIT.finish(command(killed, engine, "--resume"));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Resuming from checkpoint");
        assertThat(file(killed, "model_final", "model.safetensors"))
                .as("killed at %d", killAt)
                .isEqualTo(file(reference, "model_final", "model.safetensors"));
        assertThat(file(killed, "model_final", "hooks.safetensors"))
                .as("killed at %d", killAt)
                .isEqualTo(file(reference, "model_final", "hooks.safetensors"));
    }
}
