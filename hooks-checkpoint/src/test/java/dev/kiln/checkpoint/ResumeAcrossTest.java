package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.parameters;
import static dev.kiln.checkpoint.TestRuns.plus;
import static dev.kiln.checkpoint.TestRuns.run;
import static dev.kiln.checkpoint.TestRuns.stopAfter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Resuming under the other engine, and {@code kiln.weights} through the config. */
class ResumeAcrossTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @CsvSource({"PyTorch, MXNet", "MXNet, PyTorch"})
    void aCheckpointOfOneEngineResumesUnderTheOther(String from, String to) throws Exception {
        Path dir = tmp.resolve("run");
        String[] settings = {"kiln.hooks=[checkpoint]", "kiln.checkpoint.period=100"};
        try (KilnRun run = run(dir, with(settings, "kiln.engine=" + from));
                DefaultTrainer trainer = new TestRuns.CustomTrainer(run, plus(stopAfter(12)))) {
            trainer.train();
        }
        Map<String, TensorData> saved =
                SafeTensors.read(dir.resolve("model_0000012").resolve(Checkpointer.MODEL_FILE));
        try (KilnRun run = run(dir, with(settings, "kiln.engine=" + to, "kiln.resume=true"));
                TestRuns.CustomTrainer trainer = new TestRuns.CustomTrainer(run, h -> h)) {
            trainer.setUp();
            assertThat(trainer.start()).isEqualTo(13);
            assertThat(trainer.engine().getEngineName()).isEqualTo(to);
            Map<String, byte[]> loaded = parameters(trainer);
            saved.forEach((k, v) -> assertThat(loaded.get(k)).as(k).isEqualTo(v.data()));
            trainer.trainer().train(13, 30);
            assertThat(trainer.trainer().storage().history("total_loss").count()).isEqualTo(17);
            assertThat(Double.isFinite(trainer.trainer().storage().history("total_loss").latest()))
                    .isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void weightsFromTheConfigAreLoadedBeforeTraining(String engine) throws Exception {
        Path first = tmp.resolve("first");
        try (KilnRun run = run(first, "kiln.engine=" + engine, "kiln.hooks=[checkpoint]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }
        Map<String, TensorData> saved =
                SafeTensors.read(first.resolve("model_final").resolve(Checkpointer.MODEL_FILE));
        try (KilnRun run =
                        run(
                                tmp.resolve("second"),
                                "kiln.engine=" + engine,
                                "kiln.hooks=[checkpoint]",
                                "kiln.weights=\"" + first.resolve("model_final") + "\"");
                TestRuns.CustomTrainer trainer = new TestRuns.CustomTrainer(run, h -> h)) {
            trainer.setUp();
            assertThat(trainer.start()).isZero();
            Map<String, byte[]> loaded = parameters(trainer);
            saved.forEach((k, v) -> assertThat(loaded.get(k)).as(k).isEqualTo(v.data()));
        }
    }

    private static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
