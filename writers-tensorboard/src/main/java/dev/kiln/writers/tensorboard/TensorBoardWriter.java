package dev.kiln.writers.tensorboard;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.kiln.events.EventStorage;
import dev.kiln.events.EventWriter;
import dev.kiln.events.HistogramEvent;
import dev.kiln.events.ScalarEntry;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.train.TrainerView;
import dev.kiln.writers.tensorboard.proto.Event;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Writes the storage as a TensorBoard event file {@code events.out.tfevents.<secs>.<host>.<pid>.<n>}
 * in the output directory: the scalars (the same values at the same steps as the {@code json}
 * writer: {@link EventStorage#latestWithSmoothingHint(int)}, each at the iteration of its newest
 * value, once), the histograms put since the previous write (cleared from the storage once taken),
 * the resolved config as a text summary, and the hyperparameters with the session's end for
 * TensorBoard's HParams view (which shows each scalar's last value as the session's metric).
 *
 * <p>Only taking what is new from the storage happens on the training thread: {@link #write}
 * hands it to a background thread, which builds the protobuf events, writes and flushes them;
 * {@code write} blocks only while {@link TensorBoardOptions#queueCapacity()} writes are waiting.
 * {@link #flush()} waits until everything is on disk; {@link #close()} writes the session's end,
 * drains the queue and closes the file. A resumed run ({@link #resumeAt(long)}) starts a new file,
 * beginning with a session START at the resume iteration, on which TensorBoard drops what older
 * files of the run hold from that step on.
 *
 * <p>Usable without a trainer: {@code new TensorBoardWriter(dir, TensorBoardOptions.defaults())}.
 */
@KilnExtension(
        name = "tensorboard",
        description = "TensorBoard event files: scalars, histograms, config text, hparams")
public final class TensorBoardWriter implements EventWriter {

    private final Path outputDir;
    private final TensorBoardOptions options;
    private final BooleanSupplier succeeded;
    private AsyncEventFile file;
    private final List<Path> files = new ArrayList<>();
    private long lastWritten = -1;
    private long startStep;
    private boolean resumed;
    private boolean failed;

    /**
     * A writer with {@link TensorBoardOptions#defaults()}.
     *
     * @param outputDir the directory of the event files; created at the first write if missing
     */
    public TensorBoardWriter(Path outputDir) {
        this(outputDir, TensorBoardOptions.defaults());
    }

    /**
     * A writer for a plain loop: its session ends as a success unless {@link #markFailed()} is
     * called before {@link #close()}.
     *
     * @param outputDir the directory of the event files; created at the first write if missing
     * @param options how to write
     */
    public TensorBoardWriter(Path outputDir, TensorBoardOptions options) {
        this(outputDir, options, () -> true);
    }

    /**
     * The writer a configured run gets: options from {@code kiln.tensorboard}, the resolved config
     * as text, the config values named by {@code kiln.tensorboard.hparams} as hyperparameters, and
     * a session that succeeded if training did not fail and reached {@code max-iter} or was stopped
     * on request.
     *
     * @param outputDir the run directory
     * @param section {@code kiln.tensorboard}
     * @param kiln the run's config, the {@code kiln} tree
     * @param trainer the trainer, asked at close how training ended
     */
    @Inject
    public TensorBoardWriter(
            @Named("output-dir") Path outputDir,
            Config section,
            @Named("kiln") Config kiln,
            Provider<TrainerView> trainer) {
        this(
                outputDir,
                new TensorBoardOptions(
                        Settings.of(section, "kiln.tensorboard").intAtLeast("window", 1),
                        Settings.of(section, "kiln.tensorboard").intAtLeast("queue-capacity", 1),
                        render(kiln),
                        chosenValues(
                                kiln,
                                Settings.of(section, "kiln.tensorboard").stringList("hparams"))),
                () -> {
                    TrainerView t = trainer.get();
                    return t.failure().isEmpty()
                            && (t.iter() >= t.maxIter() || t.isStopRequested());
                });
    }

    private TensorBoardWriter(
            Path outputDir, TensorBoardOptions options, BooleanSupplier succeeded) {
        this.outputDir = outputDir;
        this.options = options;
        this.succeeded = succeeded;
    }

    /**
     * The values of config keys under {@code kiln}, as hyperparameters: numbers, booleans and
     * strings as they are, lists and objects as compact text; keys missing or null are left out.
     *
     * @param kiln the {@code kiln} tree
     * @param keys keys relative to {@code kiln}
     * @return key to value, in the order given
     */
    static Map<String, Object> chosenValues(Config kiln, List<String> keys) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : keys) {
            if (!kiln.hasPath(key)) {
                continue;
            }
            ConfigValue value = kiln.getValue(key);
            Object unwrapped = value.unwrapped();
            switch (value.valueType()) {
                case NUMBER, BOOLEAN, STRING -> out.put(key, unwrapped);
                default -> out.put(key, value.render(ConfigRenderOptions.concise()));
            }
        }
        return out;
    }

    /**
     * @param kiln the {@code kiln} tree
     * @return the resolved config as HOCON text, as in the run directory's {@code config.conf}
     */
    static String render(Config kiln) {
        return "# The resolved configuration of this run, written by Kiln.\n"
                + kiln.atKey("kiln")
                        .root()
                        .render(
                                ConfigRenderOptions.defaults()
                                        .setOriginComments(false)
                                        .setJson(false));
    }

    /** @return the options */
    public TensorBoardOptions options() {
        return options;
    }

    /** @return the event files this writer has created, oldest first */
    public List<Path> files() {
        return List.copyOf(files);
    }

    @Override
    public void write(EventStorage storage) {
        double wallTime = System.currentTimeMillis() / 1000.0;
        Map<Long, Map<String, Double>> scalars = new TreeMap<>();
        for (Map.Entry<String, ScalarEntry> e :
                storage.latestWithSmoothingHint(options.window()).entrySet()) {
            long iteration = e.getValue().iteration();
            if (iteration > lastWritten) {
                scalars.computeIfAbsent(iteration, k -> new LinkedHashMap<>())
                        .put(e.getKey(), e.getValue().value());
            }
        }
        List<HistogramEvent> histograms = storage.histograms();
        storage.clearHistograms();
        if (!scalars.isEmpty()) {
            lastWritten = ((TreeMap<Long, Map<String, Double>>) scalars).lastKey();
        }
        open(wallTime)
                .submit(
                        () -> {
                            List<Event> events =
                                    new ArrayList<>(scalars.size() + histograms.size());
                            scalars.forEach(
                                    (step, values) ->
                                            events.add(
                                                    SummaryEvents.scalars(step, wallTime, values)));
                            for (HistogramEvent h : histograms) {
                                events.add(SummaryEvents.histogram(h, wallTime));
                            }
                            return events;
                        });
    }

    /**
     * Ends the current file, if any; the next write starts a new one that begins with a session
     * START at {@code iteration}, the config and the hyperparameters.
     *
     * @param iteration the first iteration the resumed run executes
     */
    @Override
    public void resumeAt(long iteration) {
        if (file != null) {
            AsyncEventFile previous = file;
            file = null;
            previous.close();
        }
        startStep = iteration;
        resumed = true;
        lastWritten = iteration - 1;
    }

    /** Waits until everything written so far is in the file and flushed. */
    public void flush() {
        if (file != null) {
            file.flush();
        }
    }

    /** Makes {@link #close()} record the session as failed in the HParams view. */
    public void markFailed() {
        failed = true;
    }

    /** Writes the session's end, then waits for the queue to drain and closes the file. */
    @Override
    public void close() {
        if (file == null) {
            return;
        }
        AsyncEventFile closing = file;
        file = null;
        try {
            boolean ok = !failed && succeeded.getAsBoolean();
            long step = Math.max(startStep, lastWritten);
            double wallTime = System.currentTimeMillis() / 1000.0;
            closing.submit(() -> List.of(SummaryEvents.hparamsEnd(ok, step, wallTime)));
        } finally {
            closing.close();
        }
    }

    private AsyncEventFile open(double wallTime) {
        if (file == null) {
            file = AsyncEventFile.open(outputDir, options.queueCapacity(), wallTime);
            files.add(file.path());
            long step = startStep;
            boolean restart = resumed;
            file.submit(
                    () -> {
                        List<Event> events = new ArrayList<>(3);
                        if (restart) {
                            events.add(SummaryEvents.sessionStart(step, wallTime));
                        }
                        if (options.configText() != null) {
                            events.add(
                                    SummaryEvents.text(
                                            SummaryEvents.CONFIG_TAG,
                                            asMarkdownCode(options.configText()),
                                            step,
                                            wallTime));
                        }
                        if (!options.hparams().isEmpty()) {
                            events.add(
                                    SummaryEvents.hparamsStart(options.hparams(), step, wallTime));
                        }
                        return events;
                    });
        }
        return file;
    }

    /** Indents every line by four spaces: a Markdown code block, shown as is. */
    static String asMarkdownCode(String text) {
        return text.lines().map(line -> "    " + line).collect(Collectors.joining("\n"));
    }
}
