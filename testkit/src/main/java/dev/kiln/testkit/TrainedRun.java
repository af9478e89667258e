package dev.kiln.testkit;

import dev.kiln.core.config.KilnConfig;
import dev.kiln.events.EventStorage;
import dev.kiln.events.HistoryBuffer;
import dev.kiln.train.Hook;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link TestTrainer} run left behind, to assert on: the validated config, the event
 * storage of the training (every scalar's history), the hooks in the order they ran, and the run
 * directory with whatever the extensions wrote there. The trainer's arrays are already freed.
 */
public final class TrainedRun {

    private final KilnConfig config;
    private final EventStorage storage;
    private final Path outputDir;
    private final long endIteration;
    private final List<Hook> hooks;

    TrainedRun(
            KilnConfig config,
            EventStorage storage,
            Path outputDir,
            long endIteration,
            List<Hook> hooks) {
        this.config = config;
        this.storage = storage;
        this.outputDir = outputDir;
        this.endIteration = endIteration;
        this.hooks = List.copyOf(hooks);
    }

    /** @return the validated config the run trained with */
    public KilnConfig config() {
        return config;
    }

    /** @return the event storage of the training */
    public EventStorage storage() {
        return storage;
    }

    /**
     * @param name a scalar's full name, e.g. {@code total_loss}
     * @return its history
     * @throws IllegalArgumentException naming the known scalars, when none of that name was put
     */
    public HistoryBuffer history(String name) {
        return storage.history(name);
    }

    /** @return the iteration training ended before (the one a resume would start at) */
    public long endIteration() {
        return endIteration;
    }

    /** @return the hooks, in the order they ran: iteration timer, …, periodic writer */
    public List<Hook> hooks() {
        return hooks;
    }

    /** @return the run directory, absolute */
    public Path outputDir() {
        return outputDir;
    }

    /**
     * @param relative a path inside the run directory, e.g. {@code metrics.csv}
     * @return that path, whether or not the file exists
     */
    public Path file(String relative) {
        return outputDir.resolve(relative);
    }

    /**
     * @param relative a path inside the run directory
     * @return the file's content as UTF-8 text
     * @throws UncheckedIOException when it cannot be read
     */
    public String readFile(String relative) {
        Path file = file(relative);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
