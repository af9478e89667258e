package dev.kiln.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.SettingsException;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.tensors.TensorFileException;
import dev.kiln.train.WeightsSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads checkpoints of a model and its optimizer in a directory; usable alone in a loop
 * of one's own:
 *
 * <pre>{@code
 * Checkpointer ckpt = Checkpointer.builder(dir, model).optimizer(sgd).build();
 * ckpt.save("model_0000099", Map.of("iteration", 100));
 * LoadedCheckpoint back = ckpt.load(dir.resolve("model_0000099"));
 * }</pre>
 *
 * <p>A checkpoint is a directory: {@code model.safetensors} (the parameters by name), {@code
 * optimizer.safetensors} ({@code <param>.<buffer>} and {@code <param>.step}), {@code trainer.json}
 * (the state given to {@link #save} with the run's information), {@code hooks.safetensors} when a
 * hook's state holds arrays, and {@code manifest.json} (each file's size and CRC-32C).
 *
 * <p>The state's {@code hooks} entry, when it is a map of each hook's state by hook name (as
 * {@link dev.kiln.train.TrainerState#hooks()}), may hold {@link TensorData} values at the top level
 * of a hook's map: they are written to {@value #HOOKS_FILE} as {@code <hook>/<key>}, not into the
 * JSON, and {@link #load} puts them back where they were, as {@code TensorData}. It is written under a temporary name, every file synced, then renamed
 * into place; only then does {@code last_checkpoint} (a one-line file naming the newest complete
 * checkpoint) change, by the same write-sync-rename. A crash or a full disk at any moment leaves
 * the previous checkpoint and {@code last_checkpoint} as they were. Loading verifies every
 * checksum first and never executes code.
 */
public final class Checkpointer {

    /** The file naming the newest complete checkpoint. */
    public static final String LAST_CHECKPOINT = "last_checkpoint";

    /** The parameters' file in a checkpoint. */
    public static final String MODEL_FILE = "model.safetensors";

    /** The optimizer state's file in a checkpoint. */
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";

    /** The JSON state's file in a checkpoint. */
    public static final String STATE_FILE = "trainer.json";

    /** The hooks' arrays' file in a checkpoint, present when a hook's state holds arrays. */
    public static final String HOOKS_FILE = "hooks.safetensors";

    /** The entry of the state that holds each hook's state by the hook's name. */
    static final String HOOKS = "hooks";

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    private static final NDIndex ALL = new NDIndex("...");
    private static final String TEMP = ".tmp-";
    private static final Gson GSON =
            new GsonBuilder()
                    .setPrettyPrinting()
                    .disableHtmlEscaping()
                    .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
                    .create();

    private final Path dir;
    private final Block model;
    private final StatefulOptimizer optimizer;
    private final NDManager manager;
    private final Map<String, Object> runInfo;
    private final FileCreator files;
    private final boolean updateLast;

    private Checkpointer(Builder builder) {
        this.dir = builder.dir;
        this.model = builder.model;
        this.optimizer = builder.optimizer;
        this.manager = builder.manager;
        // In the order given: trainer.json has the same bytes every run.
        this.runInfo = Collections.unmodifiableMap(new LinkedHashMap<>(builder.runInfo));
        this.files = builder.files;
        this.updateLast = builder.updateLast;
    }

    /**
     * Starts building a checkpointer.
     *
     * @param dir the directory of the checkpoints (created when the first is saved)
     * @param model the initialized model
     * @return a builder
     */
    public static Builder builder(Path dir, Block model) {
        return new Builder(dir, model);
    }

    /** @return what every {@code trainer.json} gets besides the saved state */
    public Map<String, Object> runInfo() {
        return runInfo;
    }

    /** @return the directory of the checkpoints */
    public Path directory() {
        return dir;
    }

    /**
     * Saves a checkpoint: {@link #snapshot} then {@link #write}.
     *
     * @param name the checkpoint's name, e.g. {@code model_0000099}; an existing one of that name
     *     is replaced
     * @param state JSON-friendly state to store in {@code trainer.json}
     * @return the checkpoint's directory
     * @throws CheckpointException if it cannot be written; the previous checkpoints and {@code
     *     last_checkpoint} are intact
     */
    public Path save(String name, Map<String, Object> state) {
        return write(name, snapshot(state));
    }

    /**
     * Copies the model's parameters and the optimizer's state to the heap, on the thread that
     * trains.
     *
     * @param state JSON-friendly state to store in {@code trainer.json}
     * @return the copy
     */
    public Snapshot snapshot(Map<String, Object> state) {
        Map<String, TensorData> parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            parameters.put(p.getKey(), TensorData.of(p.getValue().getArray()));
        }
        Map<String, TensorData> optimizerState = new LinkedHashMap<>();
        if (optimizer != null) {
            try (NDManager copies = stateManager().newSubManager()) {
                optimizer
                        .stateDict(copies)
                        .forEach((k, v) -> optimizerState.put(k, TensorData.of(v)));
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", Manifest.FORMAT);
        json.putAll(runInfo);
        json.putAll(state);
        Map<String, TensorData> hookArrays = new LinkedHashMap<>();
        if (json.get(HOOKS) instanceof Map<?, ?> hooks) {
            json.put(HOOKS, withoutArrays(hooks, hookArrays));
        }
        return new Snapshot(parameters, optimizerState, hookArrays, json);
    }

    /**
     * Moves the {@link TensorData} values of each hook's state into {@code arrays}, named {@code
     * <hook>/<key>}.
     *
     * @return the hooks' states without them
     */
    private static Map<Object, Object> withoutArrays(
            Map<?, ?> hooks, Map<String, TensorData> arrays) {
        Map<Object, Object> json = new LinkedHashMap<>();
        for (Map.Entry<?, ?> hook : hooks.entrySet()) {
            if (!(hook.getValue() instanceof Map<?, ?> hookState)) {
                json.put(hook.getKey(), hook.getValue());
                continue;
            }
            String hookName = String.valueOf(hook.getKey());
            Map<Object, Object> rest = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : hookState.entrySet()) {
                if (entry.getValue() instanceof TensorData tensor) {
                    if (hookName.contains("/")) {
                        throw new IllegalArgumentException(
                                "the hook '"
                                        + hookName
                                        + "' keeps arrays in its state, so its name may not"
                                        + " contain '/'");
                    }
                    arrays.put(hookName + "/" + entry.getKey(), tensor);
                } else {
                    rest.put(entry.getKey(), entry.getValue());
                }
            }
            json.put(hook.getKey(), rest);
        }
        return json;
    }

    /** Puts the arrays of {@value #HOOKS_FILE} back into the hooks' states of {@code state}. */
    @SuppressWarnings("unchecked")
    private static void putArrays(
            Path checkpoint, Map<String, Object> state, Map<String, TensorData> arrays) {
        if (arrays.isEmpty()) {
            return;
        }
        if (!(state.get(HOOKS) instanceof Map<?, ?>)) {
            state.put(HOOKS, new LinkedHashMap<String, Object>());
        }
        Map<String, Object> hooks = (Map<String, Object>) state.get(HOOKS);
        for (Map.Entry<String, TensorData> entry : arrays.entrySet()) {
            int slash = entry.getKey().indexOf('/');
            if (slash <= 0) {
                throw new CheckpointException(
                        "checkpoint "
                                + checkpoint
                                + " is damaged: "
                                + HOOKS_FILE
                                + " holds "
                                + entry.getKey()
                                + ", which is not named <hook>/<key>");
            }
            String hook = entry.getKey().substring(0, slash);
            if (!(hooks.get(hook) instanceof Map<?, ?>)) {
                hooks.put(hook, new LinkedHashMap<String, Object>());
            }
            ((Map<String, Object>) hooks.get(hook))
                    .put(entry.getKey().substring(slash + 1), entry.getValue());
        }
    }

    /**
     * Writes a snapshot as a checkpoint, crash-safely (see the class documentation); may run on
     * any thread, one write at a time.
     *
     * @param name the checkpoint's name; an existing one of that name is replaced
     * @param snapshot what to write
     * @return the checkpoint's directory
     * @throws CheckpointException if it cannot be written; the previous checkpoints and {@code
     *     last_checkpoint} are intact and the temporary files removed
     */
    public synchronized Path write(String name, Snapshot snapshot) {
        requireName(name);
        Path target = dir.resolve(name);
        Path temp = dir.resolve("." + name + TEMP + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            Files.createDirectory(temp);
            Map<String, Manifest.FileSum> sums = new LinkedHashMap<>();
            sums.put(
                    MODEL_FILE,
                    writeFile(
                            temp.resolve(MODEL_FILE),
                            out ->
                                    SafeTensors.write(
                                            snapshot.model(),
                                            Map.of("format", "pt", "producer", "kiln"),
                                            out)));
            if (optimizer != null) {
                sums.put(
                        OPTIMIZER_FILE,
                        writeFile(
                                temp.resolve(OPTIMIZER_FILE),
                                out ->
                                        SafeTensors.write(
                                                snapshot.optimizer(),
                                                Map.of("producer", "kiln"),
                                                out)));
            }
            if (!snapshot.hooks().isEmpty()) {
                sums.put(
                        HOOKS_FILE,
                        writeFile(
                                temp.resolve(HOOKS_FILE),
                                out ->
                                        SafeTensors.write(
                                                snapshot.hooks(),
                                                Map.of("producer", "kiln"),
                                                out)));
            }
            byte[] json = (GSON.toJson(snapshot.state()) + "\n").getBytes(StandardCharsets.UTF_8);
            sums.put(STATE_FILE, writeFile(temp.resolve(STATE_FILE), out -> writeAll(out, json)));
            byte[] manifest = new Manifest(sums).toJson().getBytes(StandardCharsets.UTF_8);
            writeFile(temp.resolve(Manifest.FILE), out -> writeAll(out, manifest));
            syncDirectory(temp);
            replace(temp, target);
            if (updateLast) {
                writeLast(name);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            String last = readLast().orElse("none");
            throw new CheckpointException(
                    "cannot save checkpoint "
                            + name
                            + " in "
                            + dir
                            + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage())
                            + "; the previous checkpoints are intact and "
                            + LAST_CHECKPOINT
                            + " still names "
                            + last,
                    e);
        }
        LOG.info("Saved checkpoint {}", target);
        return target;
    }

    /**
     * Verifies a checkpoint and loads it into the model and optimizer. Nothing is changed unless
     * all of it is readable and fits the model and optimizer.
     *
     * @param checkpoint the checkpoint's directory
     * @return the checkpoint with its JSON state, the hooks' arrays of {@value #HOOKS_FILE} back
     *     in their hooks' states as {@link TensorData}
     * @throws CheckpointException naming the checkpoint and what is wrong
     */
    public LoadedCheckpoint load(Path checkpoint) {
        Manifest manifest = Manifest.verify(checkpoint);
        for (String required : List.of(MODEL_FILE, STATE_FILE)) {
            if (!manifest.files().containsKey(required)) {
                throw new CheckpointException(
                        "checkpoint " + checkpoint + " is damaged: it lacks " + required);
            }
        }
        Map<String, Object> state = readState(checkpoint.resolve(STATE_FILE));
        // a trainer.json that does not describe a trainer is refused before anything is loaded,
        // so that the next older checkpoint is tried and no model is overwritten
        TrainerStates.fromJson(checkpoint, state);
        if (manifest.files().containsKey(HOOKS_FILE)) {
            putArrays(checkpoint, state, SafeTensors.read(checkpoint.resolve(HOOKS_FILE)));
        }
        Map<String, TensorData> tensors = SafeTensors.read(checkpoint.resolve(MODEL_FILE));
        WeightsReport fit = compare(tensors);
        if (!fit.missing().isEmpty()
                || !fit.unexpected().isEmpty()
                || !fit.mismatched().isEmpty()) {
            throw new CheckpointException(
                    "checkpoint "
                            + checkpoint
                            + " does not fit the model: missing "
                            + fit.missing()
                            + ", unexpected "
                            + fit.unexpected()
                            + ", mismatched "
                            + fit.mismatched());
        }
        if (optimizer != null) {
            if (!manifest.files().containsKey(OPTIMIZER_FILE)) {
                throw new CheckpointException(
                        "checkpoint "
                                + checkpoint
                                + " has no optimizer state ("
                                + OPTIMIZER_FILE
                                + ")");
            }
            Map<String, TensorData> saved = SafeTensors.read(checkpoint.resolve(OPTIMIZER_FILE));
            try (NDManager arrays = stateManager().newSubManager()) {
                Map<String, NDArray> stateDict = new LinkedHashMap<>();
                saved.forEach((k, v) -> stateDict.put(k, v.toNDArray(arrays)));
                optimizer.loadStateDict(stateDict);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(
                        "checkpoint " + checkpoint + ": " + e.getMessage(), e);
            }
        }
        assign(tensors, fit.loaded());
        return new LoadedCheckpoint(checkpoint, state);
    }

    /**
     * Loads only parameters (fine-tuning) from a checkpoint (verified first) or a safetensors
     * file: names in both with the same shape and type are loaded, the rest is reported and left.
     *
     * @param source a checkpoint directory or a {@code .safetensors} file
     * @return what was loaded, missing, unexpected or mismatched
     * @throws CheckpointException if the source cannot be read or is damaged
     */
    public WeightsReport loadWeights(Path source) {
        return loadWeights(WeightsSource.of(source));
    }

    /**
     * Loads only parameters (fine-tuning) as {@code kiln.weights} asks: each name of the file is
     * rewritten by the first of {@link WeightsSource#rename} that matches it, then names in both
     * the file and the model with the same shape and type are loaded and the rest is reported and
     * left, or, with {@link WeightsSource#strict}, refused before anything is loaded.
     *
     * @param source the checkpoint directory or {@code .safetensors} file and its rules
     * @return what was loaded, missing, unexpected, mismatched or renamed, by the names after
     *     renaming
     * @throws CheckpointException if the file cannot be read or is damaged
     * @throws SettingsException when two names of the file are renamed to one, or a strict source
     *     does not fit the model; nothing is loaded then
     */
    public WeightsReport loadWeights(WeightsSource source) {
        Path file = source.path();
        if (Files.isDirectory(file)) {
            Manifest.verify(file);
            file = file.resolve(MODEL_FILE);
        } else if (!Files.isRegularFile(file)) {
            throw weightsMissing(file);
        }
        Map<String, TensorData> tensors = SafeTensors.read(file);
        WeightsReport report = WeightsFit.compare(source, entries(tensors), model);
        if (source.strict() && !report.fits()) {
            throw WeightsFit.notStrictlyFitting(source, report);
        }
        Map<String, TensorData> byModelName = new LinkedHashMap<>();
        tensors.forEach(
                (name, data) -> byModelName.put(report.renamed().getOrDefault(name, name), data));
        assign(byModelName, report.loaded());
        return report;
    }

    /**
     * Checks, reading only headers, what {@link #loadWeights(WeightsSource)} would do: that the
     * source is readable (as {@link #checkWeights(Path)}), that the rules give each name of the
     * file a name of its own and, for a strict source, that every name and shape fits the model
     * and type fits the model.
     *
     * @param source the checkpoint directory or {@code .safetensors} file and its rules
     * @return what loading would load, report and rename, by the names after renaming
     * @throws TensorFileException naming the source and what is wrong with the file
     * @throws SettingsException when two names of the file would be renamed to one, or a strict
     *     source does not fit the model
     */
    public WeightsReport checkWeights(WeightsSource source) {
        checkWeights(source.path());
        Path file =
                Files.isDirectory(source.path())
                        ? source.path().resolve(MODEL_FILE)
                        : source.path();
        WeightsReport report = WeightsFit.compare(source, headerEntries(file), model);
        if (source.strict() && !report.fits()) {
            throw WeightsFit.notStrictlyFitting(source, report);
        }
        return report;
    }

    /**
     * Checks, without loading anything, that {@link #loadWeights} can read the source: a
     * checkpoint whose files match its manifest and whose {@value #MODEL_FILE} is well formed, or
     * a well-formed safetensors file. Whether the names and shapes fit the model is for loading to
     * report.
     *
     * @param source a checkpoint directory or a {@code .safetensors} file
     * @throws CheckpointException naming the source and what is wrong with it
     */
    public static void checkWeights(Path source) {
        if (Files.isDirectory(source)) {
            Manifest manifest = Manifest.verify(source);
            if (!manifest.files().containsKey(MODEL_FILE)) {
                throw new CheckpointException(
                        "checkpoint " + source + " is damaged: it lacks " + MODEL_FILE);
            }
            SafeTensors.check(source.resolve(MODEL_FILE));
        } else if (Files.isRegularFile(source)) {
            SafeTensors.check(source);
        } else {
            throw weightsMissing(source);
        }
    }

    private static CheckpointException weightsMissing(Path source) {
        return new CheckpointException(
                source
                        + " does not exist: expected a checkpoint directory or a .safetensors"
                        + " file");
    }

    /**
     * Finds the newest checkpoint that loads, and loads it: the one {@code last_checkpoint} names
     * first, then every other by descending iteration. Each damaged one is logged by name.
     *
     * @return the checkpoint loaded, or empty if there is none that loads
     */
    public Optional<LoadedCheckpoint> loadNewest() {
        for (Path candidate : candidates()) {
            try {
                return Optional.of(load(candidate));
            } catch (TensorFileException e) {
                LOG.warn("Skipping checkpoint {}: {}", candidate.getFileName(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** @return the checkpoints in the order {@link #loadNewest} tries them */
    private List<Path> candidates() {
        List<Path> candidates = new ArrayList<>();
        Optional<String> last = readLast();
        if (last.isPresent()) {
            Path named = dir.resolve(last.get());
            if (Files.isDirectory(named)) {
                candidates.add(named);
            } else {
                LOG.warn("{} names {}, which does not exist", dir.resolve(LAST_CHECKPOINT), named);
            }
        }
        for (Path p : checkpoints()) {
            if (!candidates.contains(p)) {
                candidates.add(p);
            }
        }
        return candidates;
    }

    /**
     * Lists the checkpoints of the directory, newest first by the iteration in their state
     * (unverified; one whose state cannot be read comes last).
     *
     * @return the checkpoint directories
     */
    public List<Path> checkpoints() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Pair<Path, Long>> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String fileName = p.getFileName().toString();
                if (!fileName.startsWith(".")
                        && Files.isDirectory(p)
                        && (Files.exists(p.resolve(Manifest.FILE))
                                || Files.exists(p.resolve(STATE_FILE)))) {
                    found.add(new Pair<>(p, iterationOf(p)));
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list " + dir + ": " + e, e);
        }
        found.sort(
                Comparator.comparing((Pair<Path, Long> x) -> -x.getValue())
                        .thenComparing(x -> x.getKey().getFileName().toString()));
        List<Path> result = new ArrayList<>();
        found.forEach(x -> result.add(x.getKey()));
        return result;
    }

    /** @return the name {@code last_checkpoint} holds, if the file exists */
    public Optional<String> readLast() {
        try {
            String name =
                    Files.readString(dir.resolve(LAST_CHECKPOINT), StandardCharsets.UTF_8).strip();
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CheckpointException(
                    "cannot read " + dir.resolve(LAST_CHECKPOINT) + ": " + e, e);
        }
    }

    /**
     * Deletes a checkpoint: renamed away first, so it never looks like a damaged one.
     *
     * @param name the checkpoint's name
     */
    public synchronized void delete(String name) {
        requireName(name);
        Path target = dir.resolve(name);
        if (!Files.isDirectory(target)) {
            return;
        }
        Path away = dir.resolve("." + name + ".del" + TEMP + UUID.randomUUID());
        try {
            Files.move(target, away, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Cannot delete checkpoint {}: {}", target, e.toString());
            return;
        }
        deleteQuietly(away);
    }

    /** Removes what interrupted saves and deletions left behind (names starting with a dot). */
    public synchronized void removeTemporaryFiles() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String fileName = p.getFileName().toString();
                if (fileName.startsWith(".") && fileName.contains(TEMP)) {
                    LOG.info("Removing {} left by an interrupted save", p);
                    deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", dir, e.toString());
        }
    }

    private WeightsReport compare(Map<String, TensorData> tensors) {
        return WeightsFit.compare(WeightsSource.of(dir), entries(tensors), model);
    }

    /** @return the names, shapes and types of a safetensors file, read from its header */
    private static Map<String, WeightsFit.Entry> headerEntries(Path file) {
        Map<String, DataType> types = SafeTensors.dataTypes(file);
        Map<String, WeightsFit.Entry> entries = new LinkedHashMap<>();
        SafeTensors.check(file)
                .forEach(
                        (name, shape) ->
                                entries.put(name, new WeightsFit.Entry(shape, types.get(name))));
        return entries;
    }

    /**
     * Checks, reading manifests, checksums and headers but loading nothing, that {@link
     * #loadNewest} would find a checkpoint that loads: one whose files match its manifest and whose
     * parameters fit the model in name, shape and type.
     *
     * @return empty when there is no checkpoint or one of them would load; else why each of them
     *     would not, one line each
     */
    public Optional<String> whyNoneLoads() {
        List<String> reasons = new ArrayList<>();
        for (Path candidate : candidates()) {
            try {
                Manifest manifest = Manifest.verify(candidate);
                for (String required : List.of(MODEL_FILE, STATE_FILE)) {
                    if (!manifest.files().containsKey(required)) {
                        throw new CheckpointException(
                                "checkpoint " + candidate + " is damaged: it lacks " + required);
                    }
                }
                WeightsReport fit =
                        WeightsFit.compare(
                                WeightsSource.of(dir),
                                headerEntries(candidate.resolve(MODEL_FILE)),
                                model);
                if (!fit.fits()) {
                    throw new CheckpointException(
                            "checkpoint "
                                    + candidate
                                    + " does not fit the model: missing "
                                    + fit.missing()
                                    + ", unexpected "
                                    + fit.unexpected()
                                    + ", mismatched "
                                    + fit.mismatched());
                }
                return Optional.empty();
            } catch (TensorFileException e) {
                reasons.add(e.getMessage());
            }
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", reasons));
    }

    private static Map<String, WeightsFit.Entry> entries(Map<String, TensorData> tensors) {
        Map<String, WeightsFit.Entry> entries = new LinkedHashMap<>();
        tensors.forEach(
                (name, data) ->
                        entries.put(name, new WeightsFit.Entry(data.shape(), data.dataType())));
        return entries;
    }

    private void assign(Map<String, TensorData> tensors, List<String> names) {
        ParameterList parameters = model.getParameters();
        for (String name : names) {
            NDArray weight = parameters.get(name).getArray();
            try (NDManager temp = weight.getManager().newSubManager()) {
                weight.set(ALL, tensors.get(name).toNDArray(temp));
            }
        }
    }

    private NDManager stateManager() {
        if (manager != null) {
            return manager;
        }
        ParameterList parameters = model.getParameters();
        if (parameters.isEmpty()) {
            throw new IllegalStateException("the model has no parameters");
        }
        return parameters.valueAt(0).getArray().getManager();
    }

    private static long iterationOf(Path checkpoint) {
        try {
            Object iteration = readState(checkpoint.resolve(STATE_FILE)).get("iteration");
            return iteration instanceof Number n ? n.longValue() : -1;
        } catch (TensorFileException e) {
            return -1;
        }
    }

    private static Map<String, Object> readState(Path file) {
        try {
            Map<String, Object> state =
                    GSON.fromJson(
                            Files.readString(file, StandardCharsets.UTF_8),
                            new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
            if (state == null) {
                throw new CheckpointException(file + " is empty");
            }
            return state;
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file + " is not UTF-8 text: " + e, e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e, e);
        } catch (JsonParseException e) {
            throw new CheckpointException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Something that writes a file's content. */
    @FunctionalInterface
    private interface Content {
        void writeTo(WritableFile out) throws IOException;
    }

    private Manifest.FileSum writeFile(Path path, Content content) throws IOException {
        try (WritableFile file = files.create(path)) {
            Summing summing = new Summing(file);
            content.writeTo(summing);
            file.sync();
            return new Manifest.FileSum(summing.bytes, summing.crc.getValue());
        }
    }

    /** Passes bytes on while counting them and computing their CRC-32C. */
    private static final class Summing implements WritableFile {
        private final WritableFile out;
        private final CRC32C crc = new CRC32C();
        private long bytes;

        Summing(WritableFile out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            ByteBuffer view = source.duplicate();
            int n = out.write(source);
            view.limit(view.position() + n);
            crc.update(view);
            bytes += n;
            return n;
        }

        @Override
        public void sync() throws IOException {
            out.sync();
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static void writeAll(WritableFile out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private void writeLast(String name) throws IOException {
        Path temp = dir.resolve("." + LAST_CHECKPOINT + TEMP + UUID.randomUUID());
        try {
            byte[] text = (name + "\n").getBytes(StandardCharsets.UTF_8);
            writeFile(temp, out -> writeAll(out, text));
            Files.move(temp, dir.resolve(LAST_CHECKPOINT), StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void replace(Path temp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = dir.resolve("." + target.getFileName() + ".old" + TEMP + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename atomically: " + e.getMessage(), e);
        }
        syncDirectory(dir);
        if (old != null) {
            deleteQuietly(old);
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some systems cannot open a directory for syncing; the files themselves are synced.
            LOG.debug("Cannot sync directory {}: {}", directory, e.toString());
        }
    }

    private static void deleteQuietly(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Cannot remove {}: {}", path, e.toString());
        }
    }

    private static void requireName(String name) {
        if (name.isEmpty()
                || name.startsWith(".")
                || name.contains("/")
                || name.contains("\\")
                || name.equals(LAST_CHECKPOINT)) {
            throw new IllegalArgumentException("not a valid checkpoint name: \"" + name + "\"");
        }
    }

    /** Options of a {@link Checkpointer}. */
    public static final class Builder {
        private final Path dir;
        private final Block model;
        private StatefulOptimizer optimizer;
        private NDManager manager;
        private Map<String, Object> runInfo = Map.of();
        private FileCreator files = FileCreator.local();
        private boolean updateLast = true;

        private Builder(Path dir, Block model) {
            this.dir = dir;
            this.model = model;
        }

        /**
         * Saves and loads this optimizer's state too.
         *
         * @param optimizer the optimizer
         * @return this builder
         */
        public Builder optimizer(StatefulOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /**
         * Sets the manager for temporary arrays; by default that of the model's first parameter.
         *
         * @param manager the manager
         * @return this builder
         */
        public Builder manager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        /**
         * Adds entries to every {@code trainer.json}, such as the engine, seed and config digest.
         *
         * @param runInfo JSON-friendly values by key
         * @return this builder
         */
        public Builder runInfo(Map<String, Object> runInfo) {
            this.runInfo = runInfo;
            return this;
        }

        /**
         * Sets how files are created; {@link FileCreator#local()} by default.
         *
         * @param files the creator
         * @return this builder
         */
        public Builder files(FileCreator files) {
            this.files = files;
            return this;
        }

        /**
         * Whether a save makes {@code last_checkpoint} name the new checkpoint (default true).
         *
         * @param updateLast false for checkpoints that are not resume points of their own
         * @return this builder
         */
        public Builder updateLast(boolean updateLast) {
            this.updateLast = updateLast;
            return this;
        }

        /** @return the checkpointer */
        public Checkpointer build() {
            return new Checkpointer(this);
        }
    }
}
