package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.plus;
import static dev.kiln.checkpoint.TestRuns.run;
import static dev.kiln.checkpoint.TestRuns.stopAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.train.Hook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code best-checkpoint} hook: min and max, NaN never best, its state across a resume. */
class BestCheckpointHookTest {

    @TempDir Path tmp;

    private static BestCheckpointHook best(DefaultTrainer trainer) {
        for (Hook h : trainer.trainer().hooks()) {
            if (h instanceof BestCheckpointHook b) {
                return b;
            }
        }
        throw new AssertionError("no best-checkpoint hook");
    }

    @ParameterizedTest
    @ValueSource(strings = {"min", "max"})
    void savesModelBestAtTheBestValue(String mode) throws Exception {
        Path dir = tmp.resolve(mode);
        try (KilnRun run =
                        run(
                                dir,
                                "kiln.hooks=[best-checkpoint]",
                                "kiln.best-checkpoint.mode=" + mode);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            double[] losses = trainer.trainer().storage().history("total_loss").values();
            int at = 0;
            for (int i = 1; i < losses.length; i++) {
                if (mode.equals("min") ? losses[i] < losses[at] : losses[i] > losses[at]) {
                    at = i;
                }
            }
            BestCheckpointHook hook = best(trainer);
            assertThat(hook.best()).isEqualTo(losses[at]);
            assertThat(hook.bestIteration()).isEqualTo(at);
            JsonObject state =
                    JsonParser.parseString(
                                    Files.readString(
                                            dir.resolve("model_best").resolve("trainer.json")))
                            .getAsJsonObject();
            assertThat(state.get("iteration").getAsLong()).isEqualTo(at + 1);
            assertThat(
                            state.getAsJsonObject("hooks")
                                    .getAsJsonObject("best-checkpoint")
                                    .get("best_iteration")
                                    .getAsLong())
                    .isEqualTo(at);
        }
        // model_best is not a resume point of its own: last_checkpoint is left alone.
        assertThat(dir.resolve(Checkpointer.LAST_CHECKPOINT)).doesNotExist();
    }

    @Test
    void nanIsNeverBest() {
        BestCheckpointHook max = new BestCheckpointHook(null, "m", "max");
        assertThat(max.isBetter(Double.NaN)).isFalse();
        assertThat(max.isBetter(1.0)).isTrue();
        max.loadState(Map.of("metric", "m", "best", 2.0, "best_iteration", 4L));
        assertThat(max.isBetter(Double.NaN)).isFalse();
        assertThat(max.isBetter(1.0)).isFalse();
        assertThat(max.isBetter(3.0)).isTrue();
        BestCheckpointHook min = new BestCheckpointHook(null, "m", "MIN");
        min.loadState(Map.of("metric", "m", "best", 2.0));
        assertThat(min.isBetter(1.0)).isTrue();
        assertThat(min.isBetter(Double.POSITIVE_INFINITY)).isFalse();
    }

    @Test
    void refusesAnUnknownMode() {
        assertThatThrownBy(() -> new BestCheckpointHook(null, "m", "biggest"))
                .hasMessageContaining("kiln.best-checkpoint.mode")
                .hasMessageContaining("max, min");
    }

    @Test
    void aResumedRunKeepsTheBestValue() throws Exception {
        Path dir = tmp.resolve("resume");
        String[] settings = {
            "kiln.hooks=[checkpoint, best-checkpoint]", "kiln.checkpoint.period=10"
        };
        double bestBefore;
        long bestIterationBefore;
        try (KilnRun run = run(dir, settings);
                DefaultTrainer trainer = new TestRuns.CustomTrainer(run, plus(stopAfter(14)))) {
            trainer.train();
            bestBefore = best(trainer).best();
            bestIterationBefore = best(trainer).bestIteration();
        }
        String[] resumed = {settings[0], settings[1], "kiln.resume=true"};
        try (KilnRun run = run(dir, resumed);
                TestRuns.CustomTrainer trainer = new TestRuns.CustomTrainer(run, h -> h)) {
            trainer.setUp();
            assertThat(trainer.start()).isEqualTo(15);
            assertThat(best(trainer).best()).isEqualTo(bestBefore);
            assertThat(best(trainer).bestIteration()).isEqualTo(bestIterationBefore);
        }
    }
}
