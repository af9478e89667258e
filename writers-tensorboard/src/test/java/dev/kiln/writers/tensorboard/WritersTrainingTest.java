package dev.kiln.writers.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.testkit.TestData;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import dev.kiln.writers.tensorboard.proto.Event;
import dev.kiln.writers.tensorboard.proto.HParamsPluginData;
import dev.kiln.writers.tensorboard.proto.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A configured run with {@code kiln.writers = [console, json, tensorboard]}. */
class WritersTrainingTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theEventFileHoldsEveryScalarOfMetricsJsonAndNothingElse(String engine) throws Exception {
        Path digits = TestData.digits40(tmp.resolve("data"));
        Path out = tmp.resolve("run");
        List<String> overrides =
                List.of(
                        "kiln.engine=" + engine,
                        "kiln.data.train.path=\"" + digits + "\"",
                        "kiln.solver.max-iter=45",
                        "kiln.solver.batch-size=8",
                        "kiln.solver.base-lr=0.02",
                        "kiln.model.hidden-sizes=[16]",
                        "kiln.writers=[console, json, tensorboard]",
                        "kiln.writer-period=10",
                        "kiln.output-dir=\"" + out + "\"");
        try (KilnRun run = KilnRun.builder().overrides(overrides).load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            assertThat(out).doesNotExist();
            trainer.train();
        }

        // metrics.json: iteration -> name -> value
        Map<Long, Map<String, Double>> json = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("metrics.json"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            Map<String, Double> values = new LinkedHashMap<>();
            o.keySet().stream()
                    .filter(k -> !k.equals("iteration"))
                    .forEach(k -> values.put(k, o.get(k).getAsDouble()));
            assertThat(json.put(o.get("iteration").getAsLong(), values)).isNull();
        }
        assertThat(json.keySet()).containsExactly(9L, 19L, 29L, 39L, 44L);

        Path file;
        try (Stream<Path> files = Files.list(out)) {
            List<Path> events =
                    files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                            .toList();
            assertThat(events).hasSize(1);
            file = events.get(0);
        }
        List<Event> events = StrictEventReader.read(file);
        assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
        Map<Long, Map<String, Float>> scalars = EventFiles.scalars(events);
        assertThat(scalars.keySet()).isEqualTo(json.keySet());
        json.forEach(
                (step, values) -> {
                    assertThat(scalars.get(step).keySet())
                            .as("tags at " + step)
                            .isEqualTo(values.keySet());
                    values.forEach(
                            (tag, v) ->
                                    assertThat(scalars.get(step).get(tag))
                                            .as(tag + "@" + step)
                                            .isEqualTo(v.floatValue()));
                });
        assertThat(json.get(44L)).containsKeys("total_loss", "lr", "time", "data_time");

        String config =
                EventFiles.tag(events, "config")
                        .orElseThrow()
                        .value()
                        .getTensor()
                        .getStringVal(0)
                        .toString(StandardCharsets.UTF_8);
        assertThat(config).contains("engine=" + engine).contains("max-iter=45");

        HParamsPluginData start =
                EventFiles.hparams(
                        EventFiles.tag(events, "_hparams_/session_start_info").orElseThrow());
        var hparams = start.getSessionStartInfo().getHparamsMap();
        assertThat(hparams.get("engine").getStringValue()).isEqualTo(engine);
        assertThat(hparams.get("solver.base-lr").getNumberValue()).isEqualTo(0.02);
        assertThat(hparams.get("solver.max-iter").getNumberValue()).isEqualTo(45);
        assertThat(hparams.get("solver.nesterov")).isNull();
        assertThat(hparams.get("model.hidden-sizes").getStringValue()).isEqualTo("[16]");
        HParamsPluginData end =
                EventFiles.hparams(
                        EventFiles.tag(events, "_hparams_/session_end_info").orElseThrow());
        assertThat(end.getSessionEndInfo().getStatus()).isEqualTo(Status.STATUS_SUCCESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRunThatFailsAfterAStopRequestEndsItsSessionAsAFailure(String engine) throws Exception {
        Hook stopThenFail =
                LambdaHook.builder()
                        .afterStep(
                                t -> {
                                    if (t.iter() == 4) {
                                        t.requestStop("enough");
                                        throw new IllegalStateException("and then a hook failed");
                                    }
                                })
                        .build();
        TestTrainer kit =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(20)
                        .writers("tensorboard")
                        .hook(stopThenFail);

        assertThatThrownBy(kit::train).hasMessageContaining("and then a hook failed");

        Path file;
        try (Stream<Path> files = Files.list(tmp.resolve("output"))) {
            file =
                    files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                            .findFirst()
                            .orElseThrow();
        }
        HParamsPluginData end =
                EventFiles.hparams(
                        EventFiles.tag(StrictEventReader.read(file), "_hparams_/session_end_info")
                                .orElseThrow());
        assertThat(end.getSessionEndInfo().getStatus()).isEqualTo(Status.STATUS_FAILURE);
    }
}
