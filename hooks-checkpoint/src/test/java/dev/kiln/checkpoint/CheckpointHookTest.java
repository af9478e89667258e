package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.losses;
import static dev.kiln.checkpoint.TestRuns.parameters;
import static dev.kiln.checkpoint.TestRuns.plus;
import static dev.kiln.checkpoint.TestRuns.run;
import static dev.kiln.checkpoint.TestRuns.stopAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code checkpoint} hook in real runs: periodic and final checkpoints, a stop request saving
 * one, exact resume (bitwise-equal parameters, equal losses after the resume point), fallback past
 * a damaged checkpoint, max-to-keep, async saving. The model is an MLP without dropout.
 */
class CheckpointHookTest {

    @TempDir Path tmp;

    /** Trains 30 iterations uninterrupted; returns the final parameters and losses. */
    private Reference uninterrupted(String engine, String... overrides) throws Exception {
        Path dir = tmp.resolve("full-" + engine);
        try (KilnRun run =
                        run(
                                dir,
                                with(
                                        overrides,
                                        "kiln.engine=" + engine,
                                        "kiln.hooks=[checkpoint]",
                                        "kiln.checkpoint.period=10"));
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            return new Reference(dir, parameters(trainer), losses(trainer));
        }
    }

    private record Reference(Path dir, Map<String, byte[]> parameters, Map<Long, Double> losses) {}

    private static String[] with(String[] more, String... first) {
        return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void savesPeriodicallyAndAtTheEnd(String engine) throws Exception {
        Reference ref = uninterrupted(engine);
        assertThat(names(ref.dir()))
                .containsExactlyInAnyOrder("model_0000009", "model_0000019", "model_final");
        assertThat(Files.readString(ref.dir().resolve(Checkpointer.LAST_CHECKPOINT)).strip())
                .isEqualTo("model_final");
        Map<String, TensorData> saved =
                SafeTensors.read(ref.dir().resolve("model_final").resolve(Checkpointer.MODEL_FILE));
        assertThat(saved.keySet()).containsExactlyElementsOf(ref.parameters().keySet());
        ref.parameters().forEach((k, v) -> assertThat(saved.get(k).data()).isEqualTo(v));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void resumesExactlyAfterAStop(String engine) throws Exception {
        resumesExactly(engine, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void resumesExactlyAfterAStopWhenAccumulatingGradients(String engine) throws Exception {
        resumesExactly(engine, 2);
    }

    /** Stops after iteration 13, resumes, and compares with 30 uninterrupted iterations. */
    private void resumesExactly(String engine, int accumulateSteps) throws Exception {
        String accumulate = "kiln.solver.accumulate-steps=" + accumulateSteps;
        Reference ref = uninterrupted(engine, accumulate);
        Path dir = tmp.resolve("stopped-" + engine);
        String[] settings = {
            "kiln.engine=" + engine,
            "kiln.hooks=[checkpoint]",
            "kiln.checkpoint.period=10",
            accumulate
        };
        try (KilnRun run = run(dir, settings);
                DefaultTrainer trainer = new TestRuns.CustomTrainer(run, plus(stopAfter(13)))) {
            trainer.train();
            assertThat(trainer.trainer().iter()).isEqualTo(14);
            assertThat(trainer.trainer().accumulateSteps()).isEqualTo(accumulateSteps);
        }
        // The stop saved a checkpoint to resume at iteration 14.
        assertThat(names(dir)).containsExactlyInAnyOrder("model_0000009", "model_0000013");
        assertThat(Files.readString(dir.resolve(Checkpointer.LAST_CHECKPOINT)).strip())
                .isEqualTo("model_0000013");

        try (KilnRun run = run(dir, with(settings, "kiln.resume=true"));
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isEqualTo(14);
            assertBitwiseEqual(parameters(trainer), ref.parameters());
            Map<Long, Double> after = new LinkedHashMap<>(ref.losses());
            after.keySet().removeIf(i -> i < 14);
            assertThat(losses(trainer)).isEqualTo(after);
        }
        assertThat(Files.readAllBytes(dir.resolve("model_final").resolve(Checkpointer.MODEL_FILE)))
                .isEqualTo(
                        Files.readAllBytes(
                                ref.dir().resolve("model_final").resolve(Checkpointer.MODEL_FILE)));
        assertThat(
                        Files.readAllBytes(
                                dir.resolve("model_final").resolve(Checkpointer.OPTIMIZER_FILE)))
                .isEqualTo(
                        Files.readAllBytes(
                                ref.dir()
                                        .resolve("model_final")
                                        .resolve(Checkpointer.OPTIMIZER_FILE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void fallsBackPastADamagedCheckpointAndStillEndsTheSame(String engine) throws Exception {
        Reference ref = uninterrupted(engine);
        Path dir = tmp.resolve("damaged-" + engine);
        String[] settings = {
            "kiln.engine=" + engine, "kiln.hooks=[checkpoint]", "kiln.checkpoint.period=10"
        };
        try (KilnRun run = run(dir, settings);
                DefaultTrainer trainer = new TestRuns.CustomTrainer(run, plus(stopAfter(13)))) {
            trainer.train();
        }
        Path newest = dir.resolve("model_0000013").resolve(Checkpointer.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length - 100));

        try (KilnRun run = run(dir, with(settings, "kiln.resume=true"));
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isEqualTo(10);
            assertBitwiseEqual(parameters(trainer), ref.parameters());
        }
    }

    @Test
    void resumeWithoutACheckpointStartsFresh() throws Exception {
        Path dir = tmp.resolve("fresh");
        try (KilnRun run = run(dir, "kiln.hooks=[checkpoint]", "kiln.resume=true");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isZero();
        }
        assertThat(names(dir)).contains("model_final");
    }

    @Test
    void resumeRestoresTheLastCheckpointWhateverKilnHooksLists() throws Exception {
        Path dir = tmp.resolve("unlisted");
        try (KilnRun run = run(dir, "kiln.hooks=[checkpoint]", "kiln.solver.max-iter=20");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }
        try (KilnRun run = run(dir, "kiln.hooks=[]", "kiln.resume=true");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isEqualTo(20);
            assertThat(trainer.trainer().hooks()).noneMatch(h -> h instanceof CheckpointHook);
        }
    }

    @Test
    void resumingAFinishedRunTrainsNoMore() throws Exception {
        Path dir = tmp.resolve("finished");
        try (KilnRun run = run(dir, "kiln.hooks=[checkpoint]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }
        long modified = Files.getLastModifiedTime(dir.resolve("model_final")).toMillis();
        try (KilnRun run = run(dir, "kiln.hooks=[checkpoint]", "kiln.resume=true");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isEqualTo(30);
            assertThat(trainer.trainer().storage().findHistory("total_loss")).isEmpty();
        }
        assertThat(Files.getLastModifiedTime(dir.resolve("model_final")).toMillis())
                .isEqualTo(modified);
    }

    @Test
    void keepsAtMostMaxToKeepPeriodicCheckpoints() throws Exception {
        Path dir = tmp.resolve("keep");
        try (KilnRun run =
                        run(
                                dir,
                                "kiln.hooks=[checkpoint, best-checkpoint]",
                                "kiln.checkpoint.period=5",
                                "kiln.checkpoint.max-to-keep=2");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }
        assertThat(names(dir))
                .containsExactlyInAnyOrder(
                        "model_0000019", "model_0000024", "model_final", "model_best");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void asyncSavesWriteTheSameBytes(String engine) throws Exception {
        Reference ref = uninterrupted(engine);
        Path dir = tmp.resolve("async-" + engine);
        try (KilnRun run =
                        run(
                                dir,
                                "kiln.engine=" + engine,
                                "kiln.hooks=[checkpoint]",
                                "kiln.checkpoint.period=10",
                                "kiln.checkpoint.async=true");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }
        for (String name : List.of("model_0000009", "model_0000019", "model_final")) {
            for (String file : List.of(Checkpointer.MODEL_FILE, Checkpointer.OPTIMIZER_FILE)) {
                assertThat(Files.readAllBytes(dir.resolve(name).resolve(file)))
                        .as(name + "/" + file)
                        .isEqualTo(Files.readAllBytes(ref.dir().resolve(name).resolve(file)));
            }
        }
    }

    @Test
    void aFailedAsyncSaveStopsTrainingAtTheNextStep() throws Exception {
        Path dir = tmp.resolve("async-fail");
        try (KilnRun run = run(dir);
                TestRuns.CustomTrainer trainer = new TestRuns.CustomTrainer(run, hooks -> hooks)) {
            trainer.setUp();
            Checkpointer failing =
                    Checkpointer.builder(dir, trainer.model())
                            .optimizer(trainer.optimizer())
                            .files(FailingFiles.afterBytes(0))
                            .build();
            CheckpointHook hook = new CheckpointHook(failing, 10, 0, true);
            trainer.trainer().registerHooks(hook);
            assertThatThrownBy(() -> trainer.trainer().train(0, 30))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("cannot save checkpoint model_0000009")
                    .hasMessageContaining("No space left on device");
            // Thrown by the first step that starts after the failed write ended, and at the latest
            // by the next save (iteration 19), which waits for the one in flight.
            assertThat(trainer.trainer().iter()).isBetween(10L, 19L);
        }
        assertThat(names(dir)).isEmpty();
        assertThat(dir.resolve(Checkpointer.LAST_CHECKPOINT)).doesNotExist();
    }

    @Test
    void aFullDiskStopsTrainingAndKeepsThePreviousCheckpoint() throws Exception {
        Path dir = tmp.resolve("full-disk");
        try (KilnRun run = run(dir);
                TestRuns.CustomTrainer trainer = new TestRuns.CustomTrainer(run, hooks -> hooks)) {
            trainer.setUp();
            FailingFiles files = FailingFiles.afterBytes(Long.MAX_VALUE);
            Checkpointer checkpointer =
                    Checkpointer.builder(dir, trainer.model())
                            .optimizer(trainer.optimizer())
                            .files(files)
                            .build();
            trainer.trainer()
                    .registerHooks(
                            new CheckpointHook(checkpointer, 10, 0, false),
                            dev.kiln.train.LambdaHook.builder()
                                    .afterStep(
                                            t -> {
                                                if (t.iter() == 9) {
                                                    files.failAfter(3000);
                                                }
                                            })
                                    .build());
            assertThatThrownBy(() -> trainer.trainer().train(0, 30))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("cannot save checkpoint model_0000019")
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining("last_checkpoint still names model_0000009");
        }
        assertThat(names(dir)).containsExactly("model_0000009");
        assertThat(Files.readString(dir.resolve(Checkpointer.LAST_CHECKPOINT)).strip())
                .isEqualTo("model_0000009");
        try (Stream<Path> all = Files.list(dir)) {
            assertThat(all.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model_0000009", Checkpointer.LAST_CHECKPOINT);
        }
        Manifest.verify(dir.resolve("model_0000009"));
    }

    private static void assertBitwiseEqual(
            Map<String, byte[]> actual, Map<String, byte[]> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isEqualTo(v));
    }

    static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        }
    }
}
