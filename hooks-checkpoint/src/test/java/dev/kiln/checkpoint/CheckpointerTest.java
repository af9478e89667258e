package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.parameters;
import static dev.kiln.checkpoint.TestRuns.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checkpointer alone: layout, round trip, damage found by name, crash safety, weights. */
class CheckpointerTest {

    @TempDir Path tmp;

    private KilnRun trained(String engine, int iterations, String... more) throws Exception {
        String[] all = new String[more.length + 2];
        all[0] = "kiln.engine=" + engine;
        all[1] = "kiln.solver.max-iter=" + iterations;
        System.arraycopy(more, 0, all, 2, more.length);
        return run(tmp.resolve("run-" + engine), all);
    }

    private static Checkpointer checkpointer(Path dir, DefaultTrainer trainer) {
        return Checkpointer.builder(dir, trainer.model()).optimizer(trainer.optimizer()).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void roundTripsParametersAndOptimizerStateBitwise(String engine) throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (KilnRun run = trained(engine, 5);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            Checkpointer checkpointer = checkpointer(dir, trainer);
            Map<String, byte[]> before = parameters(trainer);
            Snapshot saved = checkpointer.snapshot(Map.of("iteration", 5L, "note", "x"));
            checkpointer.write("model_0000004", saved);

            trainer.trainer().train(5, 10); // changes parameters and optimizer state
            assertThat(parameters(trainer).get("01hidden1_weight"))
                    .isNotEqualTo(before.get("01hidden1_weight"))
                    .isNotNull();

            LoadedCheckpoint loaded = checkpointer.load(dir.resolve("model_0000004"));
            assertThat(loaded.iteration()).isEqualTo(5);
            assertThat(loaded.state()).containsEntry("note", "x").containsEntry("format", 1L);
            Map<String, byte[]> after = parameters(trainer);
            before.forEach((k, v) -> assertThat(after.get(k)).as(k).isEqualTo(v));
            try (NDManager m = trainer.manager().newSubManager()) {
                Map<String, NDArray> state = trainer.optimizer().stateDict(m);
                assertThat(state.keySet()).containsExactlyElementsOf(saved.optimizer().keySet());
                state.forEach(
                        (k, v) ->
                                assertThat(TensorData.of(v).data())
                                        .as(k)
                                        .isEqualTo(saved.optimizer().get(k).data()));
            }
        }
    }

    @Test
    void keepsTheRunInfoInItsOrderSoThatTrainerJsonHasTheSameBytesEveryRun() {
        Map<String, Object> info = new java.util.LinkedHashMap<>();
        for (String key : new String[] {"engine", "seed", "config_digest", "config", "a", "b"}) {
            info.put(key, key.length());
        }
        assertThat(Checkpointer.builder(tmp, null).runInfo(info).build().runInfo().keySet())
                .containsExactly("engine", "seed", "config_digest", "config", "a", "b");
    }

    @Test
    void writesSafetensorsThatNamePhysicalParametersAndALastCheckpointFile() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (KilnRun run = trained("PyTorch", 3);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            checkpointer(dir, trainer).save("model_0000002", Map.of("iteration", 3L));
            Path checkpoint = dir.resolve("model_0000002");
            assertThat(Files.readString(dir.resolve(Checkpointer.LAST_CHECKPOINT)))
                    .isEqualTo("model_0000002\n");
            try (var files = Files.list(checkpoint)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(
                                "model.safetensors",
                                "optimizer.safetensors",
                                "trainer.json",
                                "manifest.json");
            }
            // The header as Python's safetensors reads it: u64 LE length, then JSON.
            byte[] bytes = Files.readAllBytes(checkpoint.resolve(Checkpointer.MODEL_FILE));
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(n % 8).isZero();
            JsonObject header =
                    JsonParser.parseString(new String(bytes, 8, (int) n, StandardCharsets.UTF_8))
                            .getAsJsonObject();
            assertThat(header.getAsJsonObject("__metadata__").get("producer").getAsString())
                    .isEqualTo("kiln");
            header.remove("__metadata__");
            assertThat(header.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            parameters(trainer).keySet().stream()
                                    .collect(java.util.stream.Collectors.toSet()))
                    .isNotEmpty();
            JsonObject weight = header.getAsJsonObject("01hidden1_weight");
            assertThat(weight.get("dtype").getAsString()).isEqualTo("F32");
            assertThat(weight.getAsJsonArray("shape").toString()).isEqualTo("[16,64]");
            long end = 0;
            for (String k : parameters(trainer).keySet()) {
                end =
                        Math.max(
                                end,
                                header.getAsJsonObject(k)
                                        .getAsJsonArray("data_offsets")
                                        .get(1)
                                        .getAsLong());
            }
            assertThat(bytes.length).isEqualTo(8 + n + end);

            Map<String, TensorData> optimizer =
                    SafeTensors.read(checkpoint.resolve(Checkpointer.OPTIMIZER_FILE));
            assertThat(optimizer.get("01hidden1_weight.step").dataType()).isEqualTo(DataType.INT64);
            assertThat(optimizer.get("01hidden1_weight.step").shape().dimension()).isZero();
            assertThat(optimizer.get("01hidden1_weight.momentum").dataType())
                    .isEqualTo(DataType.FLOAT32);
            JsonObject state =
                    JsonParser.parseString(Files.readString(checkpoint.resolve("trainer.json")))
                            .getAsJsonObject();
            assertThat(state.get("iteration").getAsLong()).isEqualTo(3);
        }
    }

    @Test
    void findsATruncatedAndAFlippedFileByNameAndFallsBack() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (KilnRun run = trained("PyTorch", 3);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            Checkpointer checkpointer = checkpointer(dir, trainer);
            checkpointer.save("model_0000001", Map.of("iteration", 2L));
            checkpointer.save("model_0000002", Map.of("iteration", 3L));

            Path newest = dir.resolve("model_0000002").resolve(Checkpointer.OPTIMIZER_FILE);
            byte[] good = Files.readAllBytes(newest);
            Files.write(newest, Arrays.copyOf(good, good.length - 1));
            assertThatThrownBy(() -> checkpointer.load(dir.resolve("model_0000002")))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model_0000002 is damaged")
                    .hasMessageContaining(
                            "optimizer.safetensors has " + (good.length - 1) + " bytes");
            assertThat(checkpointer.loadNewest().map(LoadedCheckpoint::name))
                    .contains("model_0000001");

            byte[] flipped = good.clone();
            flipped[flipped.length / 2] ^= 0x10;
            Files.write(newest, flipped);
            assertThatThrownBy(() -> checkpointer.load(dir.resolve("model_0000002")))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("optimizer.safetensors does not match its checksum");
            assertThat(checkpointer.loadNewest().map(LoadedCheckpoint::name))
                    .contains("model_0000001");

            Files.write(newest, good);
            assertThat(checkpointer.loadNewest().map(LoadedCheckpoint::name))
                    .contains("model_0000002");
            Files.delete(dir.resolve("model_0000002").resolve("manifest.json"));
            assertThatThrownBy(() -> checkpointer.load(dir.resolve("model_0000002")))
                    .hasMessageContaining("manifest.json is missing");
        }
    }

    @Test
    void aWriteFailureAtAnyByteLeavesThePreviousCheckpointIntact() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (KilnRun run = trained("PyTorch", 3);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            checkpointer(dir, trainer).save("model_0000001", Map.of("iteration", 2L));
            byte[] previous =
                    Files.readAllBytes(
                            dir.resolve("model_0000001").resolve(Checkpointer.MODEL_FILE));
            long total = 0;
            try (var files = Files.list(dir.resolve("model_0000001"))) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    total += Files.size(p);
                }
            }
            for (long at : new long[] {0, 7, 100, total / 2, total - 1}) {
                Checkpointer failing =
                        Checkpointer.builder(dir, trainer.model())
                                .optimizer(trainer.optimizer())
                                .files(FailingFiles.afterBytes(at))
                                .build();
                // The same name too: replacing an existing checkpoint must not lose it.
                for (String name : new String[] {"model_0000002", "model_0000001"}) {
                    assertThatThrownBy(() -> failing.save(name, Map.of("iteration", 3L)))
                            .as("failing after %d bytes", at)
                            .isInstanceOf(CheckpointException.class)
                            .hasMessageContaining("cannot save checkpoint " + name)
                            .hasMessageContaining("No space left on device");
                    assertThat(Files.readString(dir.resolve(Checkpointer.LAST_CHECKPOINT)).strip())
                            .isEqualTo("model_0000001");
                    try (var files = Files.list(dir)) {
                        assertThat(files.map(p -> p.getFileName().toString()))
                                .containsExactlyInAnyOrder(
                                        "model_0000001", Checkpointer.LAST_CHECKPOINT);
                    }
                }
            }
            assertThat(
                            Files.readAllBytes(
                                    dir.resolve("model_0000001").resolve(Checkpointer.MODEL_FILE)))
                    .isEqualTo(previous);
            // Failing while last_checkpoint is written: the new checkpoint is complete, but
            // last_checkpoint still names the previous one.
            Checkpointer failingLast =
                    Checkpointer.builder(dir, trainer.model())
                            .optimizer(trainer.optimizer())
                            .files(FailingFiles.afterBytes(total + 3))
                            .build();
            assertThatThrownBy(() -> failingLast.save("model_0000002", Map.of("iteration", 3L)))
                    .hasMessageContaining("last_checkpoint still names model_0000001");
            assertThat(Files.readString(dir.resolve(Checkpointer.LAST_CHECKPOINT)))
                    .isEqualTo("model_0000001\n");
            Manifest.verify(dir.resolve("model_0000002"));
            assertThat(checkpointer(dir, trainer).loadNewest().map(LoadedCheckpoint::name))
                    .contains("model_0000001");
        }
    }

    @Test
    void removesWhatAnInterruptedSaveLeft() throws Exception {
        Path dir = tmp.resolve("ckpt");
        Files.createDirectories(dir.resolve(".model_0000005.tmp-123"));
        Files.writeString(dir.resolve(".model_0000005.tmp-123").resolve("model.safetensors"), "x");
        Files.writeString(dir.resolve("notes.txt"), "kept");
        try (KilnRun run = trained("PyTorch", 1);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            checkpointer(dir, trainer).removeTemporaryFiles();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void loadsWeightsByNameAndReportsWhatDoesNotFit(String engine) throws Exception {
        Path dir = tmp.resolve("ckpt");
        Map<String, byte[]> saved;
        try (KilnRun run = trained(engine, 3);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            checkpointer(dir, trainer).save("model_final", Map.of("iteration", 3L));
            saved = parameters(trainer);
        }
        // Deeper: the first layer fits; the file's output layer is unexpected, the rest missing.
        try (KilnRun run =
                        run(
                                tmp.resolve("deeper"),
                                "kiln.engine=" + engine,
                                "kiln.model.hidden-sizes=[16, 8]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            Map<String, byte[]> initial = parameters(trainer);
            WeightsReport report =
                    Checkpointer.builder(dir, trainer.model())
                            .build()
                            .loadWeights(dir.resolve("model_final"));
            assertThat(report.loaded()).containsExactly("01hidden1_weight", "01hidden1_bias");
            assertThat(report.missing())
                    .containsExactly(
                            "03hidden2_weight",
                            "03hidden2_bias",
                            "05output_weight",
                            "05output_bias");
            assertThat(report.unexpected()).containsExactly("03output_weight", "03output_bias");
            assertThat(report.mismatched()).isEmpty();
            Map<String, byte[]> now = parameters(trainer);
            assertThat(now.get("01hidden1_weight")).isEqualTo(saved.get("01hidden1_weight"));
            assertThat(now.get("03hidden2_weight")).isEqualTo(initial.get("03hidden2_weight"));
        }
        // Wider: the shapes differ, so those are skipped; the output bias fits.
        try (KilnRun run =
                        run(
                                tmp.resolve("wider"),
                                "kiln.engine=" + engine,
                                "kiln.model.hidden-sizes=[32]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            Map<String, byte[]> initial = parameters(trainer);
            WeightsReport report =
                    Checkpointer.builder(dir, trainer.model())
                            .build()
                            .loadWeights(
                                    dir.resolve("model_final").resolve(Checkpointer.MODEL_FILE));
            assertThat(report.loaded()).containsExactly("03output_bias");
            assertThat(report.mismatched())
                    .containsExactly(
                            "01hidden1_weight: file float32(16, 64) vs model float32(32, 64)",
                            "01hidden1_bias: file float32(16) vs model float32(32)",
                            "03output_weight: file float32(10, 16) vs model float32(10, 32)");
            assertThat(report.missing()).isEmpty();
            assertThat(report.unexpected()).isEmpty();
            Map<String, byte[]> now = parameters(trainer);
            assertThat(now.get("03output_bias")).isEqualTo(saved.get("03output_bias"));
            assertThat(now.get("01hidden1_weight")).isEqualTo(initial.get("01hidden1_weight"));
        }
    }

    @Test
    void refusesWeightsThatDoNotExist() throws Exception {
        try (KilnRun run = trained("PyTorch", 1);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            Checkpointer c = Checkpointer.builder(tmp, trainer.model()).build();
            assertThatThrownBy(() -> c.loadWeights(tmp.resolve("nope.safetensors")))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("nope.safetensors does not exist: expected a checkpoint");
            assertThat(c.loadNewest()).isEqualTo(Optional.empty());
        }
    }
}
