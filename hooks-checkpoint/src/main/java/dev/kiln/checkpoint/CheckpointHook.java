package dev.kiln.checkpoint;

import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import com.typesafe.config.Config;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import dev.kiln.tensors.TensorFileException;
import dev.kiln.train.HookBase;
import dev.kiln.train.Resumer;
import dev.kiln.train.TrainerBase;
import dev.kiln.train.TrainerState;
import dev.kiln.train.WeightsSource;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook {@code checkpoint}: saves a checkpoint of the model, the optimizer and the trainer's
 * state every {@code kiln.checkpoint.period} iterations ({@code model_0000999} after iteration
 * 999), {@code model_final} when training completes, and {@code model_<iter>} when it stops early
 * on request (a signal); keeps at most {@code max-to-keep} periodic ones. With {@code async} the
 * arrays are copied on the training thread and written on another. It is also the run's {@link
 * Resumer}: {@code --resume} loads the newest good checkpoint, {@code kiln.weights} parameters
 * only.
 */
@KilnExtension(
        name = "checkpoint",
        description =
                "crash-safe checkpoints every kiln.checkpoint.period iterations and at the end;"
                        + " --resume continues from the last one")
public final class CheckpointHook extends HookBase implements Resumer {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointHook.class);
    private static final Pattern PERIODIC = Pattern.compile("model_\\d{7,}");

    /** The name of the checkpoint saved when training completes. */
    public static final String FINAL = "model_final";

    private final Checkpointer checkpointer;
    private final int period;
    private final int maxToKeep;
    private final boolean async;
    private BackgroundWriter writer;
    private long stepStarted = -1;
    private long stepFinished = -1;
    private long savedIteration = -1;

    /**
     * Creates the hook from its config section.
     *
     * @param section {@code kiln.checkpoint}
     * @param kiln the whole {@code kiln} config
     * @param outputDir the run directory, where checkpoints go
     * @param model the model
     * @param optimizer the optimizer
     * @param engine the engine
     */
    @Inject
    public CheckpointHook(
            Config section,
            @Named("kiln") Config kiln,
            @Named("output-dir") Path outputDir,
            Block model,
            StatefulOptimizer optimizer,
            Engine engine) {
        this(
                Checkpointer.builder(outputDir, model)
                        .optimizer(optimizer)
                        .runInfo(TrainerStates.runInfo(kiln, engine.getEngineName()))
                        .build(),
                Settings.of(section, "kiln.checkpoint").intAtLeast("period", 1),
                Settings.of(section, "kiln.checkpoint").intAtLeast("max-to-keep", 0),
                Settings.of(section, "kiln.checkpoint").bool("async"));
        checkWeights(kiln);
        checkResumable(kiln);
    }

    /**
     * Checks, when resuming a run that has checkpoints, that one of them would load, so that a
     * damaged checkpoint or one of another model stops the run before any work, with the run
     * directory as it was, instead of training from iteration 0 over it.
     *
     * @throws SettingsException naming each checkpoint and what is wrong with it
     */
    private void checkResumable(Config kiln) {
        boolean resume = kiln.hasPath("resume") && kiln.getBoolean("resume");
        if (!resume) {
            return;
        }
        Optional<String> why = checkpointer.whyNoneLoads();
        if (why.isPresent()) {
            throw new SettingsException(
                    null,
                    "--resume",
                    "no checkpoint in "
                            + checkpointer.directory()
                            + " can be resumed:\n"
                            + why.get()
                            + "\nresume with the model config the run was trained with, move the"
                            + " damaged checkpoints away, or start afresh in another"
                            + " --output-dir");
        }
    }

    /**
     * Checks {@code kiln.weights} while the run is built, so that a missing or malformed file, a
     * renaming that gives two names one, or a strict source that does not fit the model stops it
     * before any work instead of after its run directory exists. Skipped when resuming a run that
     * has checkpoints, which then does not load the weights.
     *
     * @throws SettingsException naming where {@code kiln.weights} was set, the file and what is
     *     wrong with it
     */
    private void checkWeights(Config kiln) {
        Optional<WeightsSource> source = WeightsSource.of(kiln);
        if (source.isEmpty()) {
            return;
        }
        boolean resume = kiln.hasPath("resume") && kiln.getBoolean("resume");
        if (resume && !checkpointer.checkpoints().isEmpty()) {
            return;
        }
        try {
            checkpointer.checkWeights(source.get());
        } catch (TensorFileException | InvalidPathException e) {
            throw new SettingsException(source.get().location(), WeightsSource.KEY, e.getMessage());
        }
    }

    /**
     * Creates the hook around a checkpointer of one's own.
     *
     * @param checkpointer where and how to save
     * @param period save every this many iterations, at least 1
     * @param maxToKeep keep at most this many periodic checkpoints; 0 keeps all
     * @param async write on a background thread
     */
    public CheckpointHook(Checkpointer checkpointer, int period, int maxToKeep, boolean async) {
        if (period < 1) {
            throw new IllegalArgumentException(
                    "kiln.checkpoint.period must be at least 1 but is " + period);
        }
        if (maxToKeep < 0) {
            throw new IllegalArgumentException(
                    "kiln.checkpoint.max-to-keep must be at least 0 but is " + maxToKeep);
        }
        this.checkpointer = checkpointer;
        this.period = period;
        this.maxToKeep = maxToKeep;
        this.async = async;
    }

    @Override
    public String name() {
        return "checkpoint";
    }

    /** @return the checkpointer this hook saves with */
    public Checkpointer checkpointer() {
        return checkpointer;
    }

    @Override
    public void beforeTrain() {
        if (trainer().rank() == 0) {
            checkpointer.removeTemporaryFiles();
        }
        stepStarted = -1;
        stepFinished = -1;
        savedIteration = -1;
        if (async) {
            writer = new BackgroundWriter(checkpointer);
        }
    }

    @Override
    public void beforeStep() {
        if (writer != null) {
            writer.rethrowFailure();
        }
        stepStarted = trainer().iter();
    }

    @Override
    public void afterStep() {
        long iter = trainer().iter();
        stepFinished = iter;
        if ((iter + 1) % period == 0 && iter + 1 < trainer().maxIter()) {
            save(periodicName(iter), writer != null);
        }
    }

    @Override
    public void afterTrain() {
        try {
            if (writer != null) {
                writer.close();
            }
        } finally {
            writer = null;
        }
        if (stepFinished < 0) {
            return; // no step ran in this call to train
        }
        if (stepStarted != stepFinished) {
            LOG.warn(
                    "Training failed in iteration {}: no checkpoint saved at the end; the last"
                            + " checkpoint is {}",
                    stepStarted,
                    checkpointer.readLast().orElse("none"));
            return;
        }
        if (trainer().iter() >= trainer().maxIter()) {
            save(FINAL, false);
        } else if (savedIteration != stepFinished) {
            save(periodicName(stepFinished), false);
        }
    }

    private void save(String name, boolean background) {
        if (trainer().rank() != 0) {
            return; // rank 0 writes the run's checkpoints; the others hold the same state
        }
        Map<String, Object> state = TrainerStates.toJson(trainer().state());
        Snapshot snapshot = checkpointer.snapshot(state);
        savedIteration = stepFinished;
        if (background) {
            writer.submit(name, snapshot, this::prune);
        } else {
            checkpointer.write(name, snapshot);
            prune();
        }
    }

    private void prune() {
        if (maxToKeep == 0) {
            return;
        }
        Optional<String> last = checkpointer.readLast();
        List<String> periodic = new ArrayList<>();
        for (Path p : checkpointer.checkpoints()) {
            String name = p.getFileName().toString();
            if (PERIODIC.matcher(name).matches()) {
                periodic.add(name);
            }
        }
        periodic.sort((a, b) -> b.compareTo(a)); // newest first: the names sort by iteration
        for (int i = maxToKeep; i < periodic.size(); i++) {
            String name = periodic.get(i);
            if (last.isEmpty() || !last.get().equals(name)) {
                LOG.info("Deleting checkpoint {} (max-to-keep {})", name, maxToKeep);
                checkpointer.delete(name);
            }
        }
    }

    @Override
    public long resume(TrainerBase trainer) {
        if (trainer.rank() == 0) {
            checkpointer.removeTemporaryFiles();
        }
        Optional<LoadedCheckpoint> found = checkpointer.loadNewest();
        if (found.isEmpty()) {
            LOG.info(
                    "Resume: no checkpoint in {}; starting from iteration 0",
                    checkpointer.directory().toAbsolutePath());
            return 0;
        }
        LoadedCheckpoint checkpoint = found.get();
        Map<String, Object> now = checkpointer.runInfo();
        warnOfConfigChanges(checkpoint, now);
        Object savedEngine = checkpoint.state().get("engine");
        if (savedEngine != null
                && now.containsKey("engine")
                && !now.get("engine").equals(savedEngine)) {
            LOG.info(
                    "Checkpoint {} was saved under {}; continuing under {}",
                    checkpoint.name(),
                    savedEngine,
                    now.get("engine"));
        }
        TrainerState state = TrainerStates.fromJson(checkpoint.path(), checkpoint.state());
        trainer.loadState(state);
        LOG.info(
                "Resuming from checkpoint {} at iteration {}",
                checkpoint.path().toAbsolutePath(),
                state.iteration());
        return state.iteration();
    }

    @Override
    public Optional<Path> newestCheckpoint() {
        return checkpointer.loadNewest().map(LoadedCheckpoint::path);
    }

    @Override
    public long restore(TrainerBase trainer, Path checkpoint) {
        LoadedCheckpoint loaded = checkpointer.load(checkpoint);
        TrainerState state = TrainerStates.fromJson(loaded.path(), loaded.state());
        trainer.loadState(state);
        LOG.info("Restored checkpoint {} of iteration {}", loaded.name(), state.iteration());
        return state.iteration();
    }

    /**
     * Says which keys of the config differ from those the checkpoint was saved with (by the values
     * in its {@code trainer.json}), or, for a checkpoint that holds only the digest, that the
     * config differs.
     */
    private static void warnOfConfigChanges(LoadedCheckpoint checkpoint, Map<String, Object> now) {
        Object savedDigest = checkpoint.state().get("config_digest");
        if (!now.containsKey("config_digest")
                || savedDigest == null
                || now.get("config_digest").equals(savedDigest)) {
            return;
        }
        if (checkpoint.state().get("config") instanceof Map<?, ?> saved
                && now.get("config") instanceof Map<?, ?> current) {
            List<String> changes = TrainerStates.changes(saved, current);
            if (!changes.isEmpty()) {
                LOG.warn(
                        "The config differs from the one checkpoint {} was saved with (resuming"
                                + " anyway): {}",
                        checkpoint.name(),
                        String.join(", ", changes));
            }
            return;
        }
        LOG.warn(
                "The config differs from the one checkpoint {} was saved with; resuming anyway",
                checkpoint.name());
    }

    /**
     * Loads the parameters of {@code kiln.weights}, renamed by its rules, and reports in the log
     * what was loaded, renamed, missing, unexpected and mismatched (by the names after renaming,
     * with the file's name where a rule changed it) and each rule that matched no name.
     *
     * @param source the file and its rules
     * @throws SettingsException for a strict source that does not fit, or a renaming that gives
     *     two names of the file one
     */
    @Override
    public void loadWeights(WeightsSource source) {
        WeightsReport report = checkpointer.loadWeights(source);
        Path path = source.path();
        for (String rule : report.unusedRules()) {
            LOG.warn("{} matches no name in {}: the rule does nothing", rule, path);
        }
        if (!report.renamed().isEmpty()) {
            List<String> renamed = new ArrayList<>();
            report.renamed().forEach((from, to) -> renamed.add(from + " -> " + to));
            LOG.info("Renamed by kiln.weights.rename: {}", renamed);
        }
        LOG.info("Loaded {} parameters from {}", report.loaded().size(), path);
        if (!report.missing().isEmpty()) {
            LOG.warn("Not in {} (initial values kept): {}", path, report.missing());
        }
        if (!report.unexpected().isEmpty()) {
            LOG.warn("In {} but not in the model (ignored): {}", path, report.unexpected());
        }
        if (!report.mismatched().isEmpty()) {
            LOG.warn("Shapes differ (skipped, initial values kept): {}", report.mismatched());
        }
    }

    private static String periodicName(long iter) {
        return String.format(Locale.ROOT, "model_%07d", iter);
    }
}
