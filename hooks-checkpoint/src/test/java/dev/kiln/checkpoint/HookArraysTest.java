package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.plus;
import static dev.kiln.checkpoint.TestRuns.run;
import static dev.kiln.checkpoint.TestRuns.stopAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.train.HookBase;
import dev.kiln.train.StatefulHook;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A hook's state may hold arrays ({@link TensorData}): the checkpoint writes them to {@code
 * hooks.safetensors}, lists it in the manifest, and gives them back bitwise; a damaged file is
 * found like a damaged model file.
 */
class HookArraysTest {

    @TempDir Path tmp;

    /** Keeps float32 sums of the losses as an array, and a count as a number. */
    static final class SumsHook extends HookBase implements StatefulHook {
        float[] sums = new float[5];
        long count;
        Object loadedType;

        @Override
        public String name() {
            return "sums";
        }

        @Override
        public void afterStep() {
            float loss = (float) trainer().storage().history("total_loss").latest();
            for (int i = 0; i < sums.length; i++) {
                sums[i] = sums[i] * 0.5f + loss * (i + 1) / 3f;
            }
            count++;
        }

        @Override
        public Map<String, Object> saveState() {
            ByteBuffer bytes = ByteBuffer.allocate(sums.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(sums);
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("count", count);
            state.put("sums", new TensorData(DataType.FLOAT32, new Shape(5), bytes.array()));
            return state;
        }

        @Override
        public void loadState(Map<String, Object> state) {
            count = ((Number) state.get("count")).longValue();
            loadedType = state.get("sums");
            TensorData saved = (TensorData) state.get("sums");
            ByteBuffer.wrap(saved.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(sums);
        }

        byte[] bytes() {
            return ((TensorData) saveState().get("sums")).data();
        }
    }

    private static TensorData floats(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return new TensorData(DataType.FLOAT32, new Shape(2, values.length / 2), bytes.array());
    }

    private static Map<String, Object> stateWithArrays(long iteration) {
        Map<String, Object> avg = new LinkedHashMap<>();
        avg.put("iteration", 12L);
        // NaN payloads, signed zeros and subnormals must come back as the same bits
        avg.put(
                "01hidden1_weight",
                floats(Float.intBitsToFloat(0x7fc12345), -0.0f, Float.MIN_VALUE, 1.5f));
        avg.put("steps", new TensorData(DataType.INT64, new Shape(), new byte[8]));
        Map<String, Object> hooks = new LinkedHashMap<>();
        hooks.put("avg", avg);
        hooks.put("counter", Map.of("count", 3L));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("iteration", iteration);
        state.put("hooks", hooks);
        return state;
    }

    private Checkpointer trainedCheckpointer(KilnRun run, DefaultTrainer trainer, Path dir) {
        trainer.train();
        return Checkpointer.builder(dir, trainer.model()).optimizer(trainer.optimizer()).build();
    }

    @Test
    void aHooksArraysGoToTheirOwnFileAndComeBackBitwise() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (KilnRun run = run(tmp.resolve("run"), "kiln.solver.max-iter=3");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            Checkpointer checkpointer = trainedCheckpointer(run, trainer, dir);
            Map<String, Object> state = stateWithArrays(3);
            Snapshot snapshot = checkpointer.snapshot(state);
            assertThat(snapshot.hooks().keySet())
                    .containsExactly("avg/01hidden1_weight", "avg/steps");
            checkpointer.write("model_0000002", snapshot);

            Path checkpoint = dir.resolve("model_0000002");
            try (Stream<Path> files = Files.list(checkpoint)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(
                                "model.safetensors",
                                "optimizer.safetensors",
                                "hooks.safetensors",
                                "trainer.json",
                                "manifest.json");
            }
            JsonObject manifest =
                    JsonParser.parseString(Files.readString(checkpoint.resolve("manifest.json")))
                            .getAsJsonObject();
            assertThat(manifest.getAsJsonObject("files").keySet()).contains("hooks.safetensors");
            // the JSON keeps the other values and no array
            JsonObject json =
                    JsonParser.parseString(Files.readString(checkpoint.resolve("trainer.json")))
                            .getAsJsonObject();
            JsonObject avg = json.getAsJsonObject("hooks").getAsJsonObject("avg");
            assertThat(avg.keySet()).containsExactly("iteration");
            assertThat(
                            json.getAsJsonObject("hooks")
                                    .getAsJsonObject("counter")
                                    .get("count")
                                    .getAsLong())
                    .isEqualTo(3);
            // readable as any safetensors file, named <hook>/<key>
            Map<String, TensorData> file =
                    SafeTensors.read(checkpoint.resolve(Checkpointer.HOOKS_FILE));
            assertThat(file.keySet())
                    .containsExactlyInAnyOrder("avg/01hidden1_weight", "avg/steps");

            LoadedCheckpoint loaded = checkpointer.load(checkpoint);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> hooks =
                    (Map<String, Map<String, Object>>) loaded.state().get("hooks");
            Map<String, Object> back = hooks.get("avg");
            assertThat(back).containsEntry("iteration", 12L);
            @SuppressWarnings("unchecked")
            Map<String, Object> original =
                    ((Map<String, Map<String, Object>>) state.get("hooks")).get("avg");
            for (String key : new String[] {"01hidden1_weight", "steps"}) {
                TensorData was = (TensorData) original.get(key);
                assertThat(back.get(key)).as(key).isInstanceOf(TensorData.class);
                TensorData is = (TensorData) back.get(key);
                assertThat(is.dataType()).isEqualTo(was.dataType());
                assertThat(is.shape()).isEqualTo(was.shape());
                assertThat(is.data()).isEqualTo(was.data());
            }
            assertThat(hooks.get("counter")).containsEntry("count", 3L);
            // the state handed to save is left as it was
            assertThat(original.get("01hidden1_weight")).isInstanceOf(TensorData.class);
        }
    }

    @Test
    void aCheckpointWithoutHookArraysHasNoHooksFile() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (KilnRun run = run(tmp.resolve("run"), "kiln.solver.max-iter=3");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainedCheckpointer(run, trainer, dir)
                    .save(
                            "model_0000002",
                            Map.of("iteration", 3L, "hooks", Map.of("c", Map.of("n", 1L))));
            assertThat(dir.resolve("model_0000002").resolve(Checkpointer.HOOKS_FILE))
                    .doesNotExist();
        }
    }

    @Test
    void aDamagedHooksFileIsFoundByNameAndTheOlderCheckpointLoads() throws Exception {
        Path dir = tmp.resolve("ckpt");
        try (KilnRun run = run(tmp.resolve("run"), "kiln.solver.max-iter=3");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            Checkpointer checkpointer = trainedCheckpointer(run, trainer, dir);
            checkpointer.save("model_0000001", stateWithArrays(2));
            checkpointer.save("model_0000002", stateWithArrays(3));
            Path newest = dir.resolve("model_0000002").resolve(Checkpointer.HOOKS_FILE);
            byte[] good = Files.readAllBytes(newest);

            Files.write(newest, Arrays.copyOf(good, good.length - 1));
            assertThatThrownBy(() -> checkpointer.load(dir.resolve("model_0000002")))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model_0000002 is damaged")
                    .hasMessageContaining("hooks.safetensors has " + (good.length - 1) + " bytes");
            assertThat(checkpointer.loadNewest().map(LoadedCheckpoint::name))
                    .contains("model_0000001");

            byte[] flipped = good.clone();
            flipped[flipped.length - 3] ^= 0x10;
            Files.write(newest, flipped);
            assertThatThrownBy(() -> checkpointer.load(dir.resolve("model_0000002")))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model_0000002 is damaged")
                    .hasMessageContaining("hooks.safetensors does not match its checksum");
            assertThat(checkpointer.loadNewest().map(LoadedCheckpoint::name))
                    .contains("model_0000001");

            Files.delete(newest);
            assertThatThrownBy(() -> checkpointer.load(dir.resolve("model_0000002")))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("hooks.safetensors is missing");

            Files.write(newest, good);
            assertThat(checkpointer.loadNewest().map(LoadedCheckpoint::name))
                    .contains("model_0000002");
        }
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, false", "MXNet, false", "PyTorch, true", "MXNet, true"})
    void aHooksArraysResumeBitwiseAfterAStop(String engine, boolean async) throws Exception {
        String[] settings = {
            "kiln.engine=" + engine,
            "kiln.hooks=[checkpoint]",
            "kiln.checkpoint.period=10",
            "kiln.checkpoint.async=" + async
        };
        SumsHook reference = new SumsHook();
        try (KilnRun run = run(tmp.resolve("full"), settings);
                DefaultTrainer trainer = new TestRuns.CustomTrainer(run, plus(reference))) {
            trainer.train();
        }

        Path dir = tmp.resolve("stopped");
        SumsHook first = new SumsHook();
        Function<java.util.List<dev.kiln.train.Hook>, java.util.List<dev.kiln.train.Hook>> edit =
                plus(first).andThen(plus(stopAfter(13)));
        try (KilnRun run = run(dir, settings);
                DefaultTrainer trainer = new TestRuns.CustomTrainer(run, edit)) {
            trainer.train();
        }
        assertThat(SafeTensors.read(dir.resolve("model_0000013").resolve(Checkpointer.HOOKS_FILE)))
                .containsOnlyKeys("sums/sums");

        SumsHook resumed = new SumsHook();
        try (KilnRun run = run(dir, with(settings, "kiln.resume=true"));
                DefaultTrainer trainer = new TestRuns.CustomTrainer(run, plus(resumed))) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isEqualTo(14);
        }
        assertThat(resumed.loadedType).isInstanceOf(TensorData.class);
        assertThat(resumed.count).isEqualTo(reference.count).isEqualTo(30);
        assertThat(resumed.bytes()).isEqualTo(reference.bytes());
        assertThat(Files.readAllBytes(dir.resolve("model_final").resolve(Checkpointer.HOOKS_FILE)))
                .isEqualTo(
                        Files.readAllBytes(
                                tmp.resolve("full")
                                        .resolve("model_final")
                                        .resolve(Checkpointer.HOOKS_FILE)));
    }

    private static String[] with(String[] base, String... more) {
        return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
    }
}
