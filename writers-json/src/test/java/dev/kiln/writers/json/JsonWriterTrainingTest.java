package dev.kiln.writers.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.events.HistoryBuffer;
import dev.kiln.events.ScalarEntry;
import dev.kiln.testkit.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonWriterTrainingTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aConfiguredRunWritesOneLinePerPeriodWithEveryScalar(String engine) throws Exception {
        Path digits = TestData.digits40(tmp.resolve("data"));
        Path out = tmp.resolve("run");
        List<String> overrides =
                List.of(
                        "kiln.engine=" + engine,
                        "kiln.data.train.path=\"" + digits + "\"",
                        "kiln.solver.max-iter=25",
                        "kiln.solver.batch-size=8",
                        "kiln.model.hidden-sizes=[16]",
                        "kiln.writers=[console, json]",
                        "kiln.writer-period=10",
                        "kiln.json.window=5",
                        "kiln.output-dir=\"" + out + "\"");
        try (KilnRun run = KilnRun.builder().overrides(overrides).load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            assertThat(out.resolve("metrics.json")).doesNotExist();
            trainer.train();
            List<String> lines = Files.readAllLines(out.resolve("metrics.json"));
            // iterations 9, 19 and the last one, 24
            assertThat(lines).hasSize(3);
            JsonObject last = JsonParser.parseString(lines.get(2)).getAsJsonObject();
            assertThat(last.get("iteration").getAsLong()).isEqualTo(24);
            assertThat(last.keySet())
                    .contains("total_loss", "lr", "time", "data_time", "eta_seconds");
            assertThat(List.copyOf(last.keySet())).isSorted();
            Map<String, ScalarEntry> expected =
                    trainer.trainer().storage().latestWithSmoothingHint(5);
            for (String name : List.of("total_loss", "lr", "time")) {
                assertThat(last.get(name).getAsDouble()).isEqualTo(expected.get(name).value());
            }
            HistoryBuffer loss = trainer.trainer().storage().history("total_loss");
            assertThat(last.get("total_loss").getAsDouble()).isEqualTo(loss.median(5));
        }
    }
}
