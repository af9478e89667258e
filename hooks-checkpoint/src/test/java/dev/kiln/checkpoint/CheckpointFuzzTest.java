package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.parameters;
import static dev.kiln.checkpoint.TestRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.tensors.TensorFileException;
import dev.kiln.testkit.fuzz.ByteMutations;
import dev.kiln.testkit.fuzz.FuzzTally;
import dev.kiln.testkit.fuzz.JsonMutations;
import dev.kiln.testkit.fuzz.Mutant;
import dev.kiln.train.TrainerState;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of a real checkpoint, written by the {@code checkpoint} hook in a short run,
 * through {@link Checkpointer#load} and {@link TrainerStates#fromJson}, as a resumption reads it:
 * its {@code manifest.json}, its {@code trainer.json} and its safetensors files are mutated, the
 * manifest mostly re-summed so that the reading gets past the checksums. Each either loads what the
 * files hold or fails with a {@link TensorFileException} (a {@link CheckpointException} or the
 * safetensors reader's) naming the checkpoint or file; never another exception, and never an
 * allocation beyond a bound proportional to the checkpoint's size.
 */
class CheckpointFuzzTest {

    private static final int MUTATIONS = 2000;
    private static final long FIRST_SEED = 0xC4EC_0000_0000L;
    private static final List<String> FILES =
            List.of(
                    Manifest.FILE,
                    Checkpointer.STATE_FILE,
                    Checkpointer.MODEL_FILE,
                    Checkpointer.OPTIMIZER_FILE);
    private static final Gson GSON =
            new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();

    @TempDir Path tmp;

    @Test
    void everyMutationLoadsWhatTheCheckpointHoldsOrFailsWithACheckpointError() throws Exception {
        Path runDir = tmp.resolve("run");
        try (KilnRun run =
                        run(
                                runDir,
                                "kiln.engine=PyTorch",
                                "kiln.solver.max-iter=4",
                                "kiln.hooks=[checkpoint]",
                                "kiln.checkpoint.period=2");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            Path real = runDir.resolve("model_final");
            Map<String, byte[]> originals = new LinkedHashMap<>();
            for (String name : FILES) {
                originals.put(name, Files.readAllBytes(real.resolve(name)));
            }
            // The run's paths, of a length that differs from run to run, made one fixed path, and
            // the digest of the config that holds them fixed: the same seed then makes the same
            // mutation every run.
            JsonObject state =
                    JsonParser.parseString(
                                    new String(
                                            originals.get(Checkpointer.STATE_FILE),
                                            StandardCharsets.UTF_8))
                            .getAsJsonObject();
            state.addProperty("config_digest", "sha256:" + "0".repeat(64));
            byte[] fixed =
                    (new GsonBuilder().setPrettyPrinting().create().toJson(state) + "\n")
                            .replace(tmp.toString(), "/tmp/fuzz")
                            .getBytes(StandardCharsets.UTF_8);
            originals.put(Checkpointer.STATE_FILE, fixed);
            originals.put(Manifest.FILE, manifest(originals, Checkpointer.STATE_FILE, fixed));
            Checkpointer checkpointer =
                    Checkpointer.builder(tmp.resolve("mutants"), trainer.model())
                            .optimizer(trainer.optimizer())
                            .build();
            Path checkpoint = Files.createDirectories(tmp.resolve("mutants").resolve("model_m"));
            write(checkpoint, originals, Map.of());
            checkpointer.load(checkpoint); // warm up: class loading is not the reader's allocation

            FuzzTally tally = new FuzzTally("checkpoint");
            for (int i = 0; i < MUTATIONS; i++) {
                long seed = FIRST_SEED + i;
                SplittableRandom random = new SplittableRandom(seed);
                Map<String, byte[]> files = mutate(originals, random);
                String description =
                        new String(files.remove("description"), StandardCharsets.UTF_8);
                write(checkpoint, originals, files);
                String where = "seed " + seed + " (" + description + ")";
                tally.count(load(checkpointer, checkpoint, trainer, where));
            }
            tally.report(MUTATIONS);
        }
    }

    /** @return null when the checkpoint loaded as it holds, else the class of the rejection */
    private static String load(
            Checkpointer checkpointer, Path checkpoint, DefaultTrainer trainer, String where)
            throws IOException {
        long size = 0;
        for (String name : FILES) {
            size += Files.size(checkpoint.resolve(name));
        }
        long before = allocated();
        LoadedCheckpoint loaded;
        TrainerState state;
        try {
            loaded = checkpointer.load(checkpoint);
            state = TrainerStates.fromJson(loaded.path(), loaded.state());
        } catch (TensorFileException e) {
            assertThat(allocated() - before)
                    .as(where + ": bytes allocated")
                    .isLessThan(bound(size));
            assertThat(e.getMessage())
                    .as(where + ": the message names the checkpoint")
                    .contains(checkpoint.toString());
            return reason(e.getMessage());
        } catch (Throwable t) {
            throw new AssertionError(where + ": loading threw " + t, t);
        }
        assertThat(allocated() - before).as(where + ": bytes allocated").isLessThan(bound(size));
        assertConsistent(checkpoint, loaded, state, trainer, where);
        try {
            Checkpointer.checkWeights(checkpoint);
        } catch (Throwable t) {
            throw new AssertionError(where + ": checkWeights refuses what loads: " + t, t);
        }
        return null;
    }

    /** Checks a load against the files, read here on their own. */
    private static void assertConsistent(
            Path checkpoint,
            LoadedCheckpoint loaded,
            TrainerState state,
            DefaultTrainer trainer,
            String where)
            throws IOException {
        JsonObject manifest =
                JsonParser.parseString(Files.readString(checkpoint.resolve(Manifest.FILE)))
                        .getAsJsonObject()
                        .getAsJsonObject("files");
        for (String name : manifest.keySet()) {
            assertThat(checkpoint.resolve(name).getParent())
                    .as(where + ": the manifest lists a file of the checkpoint")
                    .isEqualTo(checkpoint);
            Manifest.FileSum sum = Manifest.sum(checkpoint.resolve(name));
            JsonObject entry = manifest.getAsJsonObject(name);
            assertThat(entry.get("bytes").getAsLong())
                    .as(where + " " + name)
                    .isEqualTo(sum.bytes());
            assertThat(entry.get("crc32c").getAsString().toLowerCase(Locale.ROOT))
                    .as(where + " " + name)
                    .isEqualTo(String.format(Locale.ROOT, "%08x", sum.crc32c()));
        }
        Map<String, Object> json =
                GSON.fromJson(
                        Files.readString(checkpoint.resolve(Checkpointer.STATE_FILE)),
                        new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
        assertThat(loaded.state()).as(where).isEqualTo(json);
        assertThat(state.iteration()).as(where).isEqualTo(json.get("iteration"));
        assertThat(json.get("hooks") == null ? Map.of() : json.get("hooks"))
                .as(where)
                .isEqualTo(state.hooks());
        Map<String, TensorData> model =
                SafeTensors.read(checkpoint.resolve(Checkpointer.MODEL_FILE));
        parameters(trainer)
                .forEach(
                        (name, bytes) ->
                                assertThat(bytes)
                                        .as(where + ": the parameter " + name)
                                        .isEqualTo(model.get(name).data()));
    }

    /**
     * A load reads each file once, holds the arrays' bytes on the heap, then in the engine, and
     * parses two small JSON documents: well under 4 bytes per byte of the checkpoint. The
     * constant covers the checksums' buffers, the parameters' and optimizer state's handles, and
     * the message of an error.
     */
    private static long bound(long size) {
        return 4 * size + (1 << 20);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    private static String reason(String message) {
        String[] classes = {
            "manifest.json is not a valid manifest",
            "manifest.json is not valid JSON",
            "does not match its checksum",
            "bytes, not the",
            "is missing",
            "it lacks",
            "trainer.json: its iteration",
            "trainer.json: it has no iteration",
            "trainer.json: the state of the hook",
            "trainer.json: its hooks",
            "trainer.json: its trainer",
            " is null",
            "is not valid JSON",
            "is empty",
            "does not fit the model",
            "no optimizer state",
            "not a valid safetensors file",
            "not UTF-8 text",
            "state does not match",
            "cannot read"
        };
        for (String c : classes) {
            if (message.contains(c)) {
                return c.strip().replace(' ', '_');
            }
        }
        return "other";
    }

    /**
     * @return the mutated files by name, with the mutation's description under {@code
     *     description}
     */
    private static Map<String, byte[]> mutate(
            Map<String, byte[]> originals, SplittableRandom random) {
        int pick = random.nextInt(20);
        String target =
                pick < 6
                        ? Manifest.FILE
                        : pick < 13
                                ? Checkpointer.STATE_FILE
                                : pick < 17 ? Checkpointer.MODEL_FILE : Checkpointer.OPTIMIZER_FILE;
        byte[] original = originals.get(target);
        Mutant mutant;
        if (target.endsWith(".json") && random.nextInt(4) > 0) {
            JsonObject document =
                    JsonParser.parseString(new String(original, StandardCharsets.UTF_8))
                            .getAsJsonObject();
            mutant =
                    target.equals(Manifest.FILE) && random.nextInt(3) == 0
                            ? listed(document, originals, random)
                            : target.equals(Checkpointer.STATE_FILE) && random.nextInt(3) == 0
                                    ? state(document, random)
                                    : JsonMutations.any(document, random);
        } else {
            mutant = ByteMutations.any(original, random);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(target, mutant.bytes());
        boolean resum = !target.equals(Manifest.FILE) && random.nextInt(8) > 0;
        if (resum) {
            files.put(Manifest.FILE, manifest(originals, target, mutant.bytes()));
        }
        files.put(
                "description",
                (target + ": " + mutant.description() + (resum ? ", manifest re-summed" : ""))
                        .getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** @return the manifest with a listed file renamed to a path outside the checkpoint */
    private static Mutant listed(
            JsonObject manifest, Map<String, byte[]> originals, SplittableRandom random) {
        JsonObject files = manifest.deepCopy().getAsJsonObject("files");
        List<String> names = List.copyOf(files.keySet());
        String name = names.get(random.nextInt(names.size()));
        String[] others = {
            "../model_m/" + name,
            "./" + name,
            "/" + name,
            "",
            ".",
            "..",
            "sub/" + name,
            name + "\u0000"
        };
        String other = others[random.nextInt(others.length)];
        JsonElement entry = files.remove(name);
        files.add(other, entry);
        JsonObject root = new JsonObject();
        root.add("format", new JsonPrimitive(1));
        root.add("files", files);
        return new Mutant(
                "list " + name + " as \"" + other + "\"",
                root.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @return the state with its iteration, hooks or trainer entry set to an edge value */
    private static Mutant state(JsonObject document, SplittableRandom random) {
        JsonObject state = document.deepCopy();
        String key = new String[] {"iteration", "hooks", "trainer"}[random.nextInt(3)];
        JsonElement value;
        if (random.nextBoolean() && state.get(key).isJsonObject()) {
            JsonObject inner = state.getAsJsonObject(key);
            String first = inner.keySet().isEmpty() ? "added" : inner.keySet().iterator().next();
            JsonElement[] values = {
                new JsonPrimitive(3),
                com.google.gson.JsonNull.INSTANCE,
                new JsonPrimitive("x"),
                new com.google.gson.JsonArray()
            };
            value = values[random.nextInt(values.length)];
            inner.add(first, value);
            key = key + "." + first;
        } else {
            List<JsonPrimitive> numbers = JsonMutations.EDGE_NUMBERS;
            value =
                    random.nextBoolean()
                            ? numbers.get(random.nextInt(numbers.size()))
                            : new JsonPrimitive("7");
            state.add(key, value);
        }
        return new Mutant(
                "set " + key + " to " + value, state.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @return the manifest of the original files with one replaced, as the writer sums them */
    private static byte[] manifest(Map<String, byte[]> originals, String replaced, byte[] bytes) {
        Map<String, Manifest.FileSum> sums = new LinkedHashMap<>();
        originals.forEach(
                (name, content) -> {
                    if (!name.equals(Manifest.FILE)) {
                        byte[] file = name.equals(replaced) ? bytes : content;
                        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                        crc.update(file);
                        sums.put(name, new Manifest.FileSum(file.length, crc.getValue()));
                    }
                });
        return new Manifest(sums).toJson().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(
            Path checkpoint, Map<String, byte[]> originals, Map<String, byte[]> files)
            throws IOException {
        for (Map.Entry<String, byte[]> original : originals.entrySet()) {
            Files.write(
                    checkpoint.resolve(original.getKey()),
                    files.getOrDefault(original.getKey(), original.getValue()));
        }
    }
}
