package dev.kiln.writers.json;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.typesafe.config.Config;
import dev.kiln.events.EventStorage;
import dev.kiln.events.EventWriter;
import dev.kiln.events.ScalarEntry;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the storage's scalars to {@code <output-dir>/metrics.json} in detectron2's format: one
 * JSON object per line, with {@code iteration} and the scalars, keys sorted.
 *
 * <p>Like detectron2's {@code JSONWriter}, each write takes every scalar's value as {@link
 * EventStorage#latestWithSmoothingHint(int)} reports it (the median of the newest {@code window}
 * values for a smoothed scalar, the newest value otherwise) together with the iteration of its
 * newest value, keeps those newer than the previous write, and writes one line per such iteration,
 * in ascending order. With the periodic writer that is one line per period with every training
 * scalar, plus a line of its own for a scalar last put at another iteration (an evaluation result
 * put at an earlier iteration, say). The file is appended to and flushed at every write.
 *
 * <p>When a run resumes, {@link #resumeAt(long)} first drops every line at or after the resume
 * iteration (and a line torn by a crash) with an atomic rewrite, so the file reads as one
 * continuous run with each iteration once.
 *
 * <p>Usable without a trainer: {@code new JsonWriter(dir)} and call {@link #write} after steps.
 */
@KilnExtension(
        name = "json",
        description = "metrics.json: one JSON line of scalars per written iteration")
public final class JsonWriter implements EventWriter {

    /** The file name inside the output directory. */
    public static final String FILE_NAME = "metrics.json";

    /** The smoothing window used when none is given. */
    public static final int DEFAULT_WINDOW = 20;

    private static final Gson GSON =
            new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final Path file;
    private final int window;
    private BufferedWriter out;
    private long lastWritten = -1;

    /**
     * A writer of {@code <outputDir>/metrics.json} smoothing over {@value #DEFAULT_WINDOW} values.
     *
     * @param outputDir the run directory; created at the first write if missing
     */
    public JsonWriter(Path outputDir) {
        this(outputDir, DEFAULT_WINDOW);
    }

    /**
     * A writer of {@code <outputDir>/metrics.json}.
     *
     * @param outputDir the run directory; created at the first write if missing
     * @param window how many newest values a smoothed scalar's median uses; at least 1
     */
    public JsonWriter(Path outputDir, int window) {
        if (window < 1) {
            throw new IllegalArgumentException(
                    "kiln.json.window must be at least 1, was " + window);
        }
        this.file = outputDir.resolve(FILE_NAME);
        this.window = window;
    }

    /**
     * The writer a configured run gets.
     *
     * @param outputDir the run directory
     * @param section {@code kiln.json}
     */
    @Inject
    public JsonWriter(@Named("output-dir") Path outputDir, Config section) {
        this(outputDir, Settings.of(section, "kiln.json").intAtLeast("window", 1));
    }

    /** @return the file written */
    public Path file() {
        return file;
    }

    @Override
    public void write(EventStorage storage) {
        Map<Long, Map<String, Object>> byIteration = new TreeMap<>();
        for (Map.Entry<String, ScalarEntry> e :
                storage.latestWithSmoothingHint(window).entrySet()) {
            long iteration = e.getValue().iteration();
            if (iteration > lastWritten) {
                byIteration
                        .computeIfAbsent(iteration, k -> new TreeMap<>())
                        .put(e.getKey(), e.getValue().value());
            }
        }
        try {
            BufferedWriter w = open();
            for (Map.Entry<Long, Map<String, Object>> line : byIteration.entrySet()) {
                line.getValue().put("iteration", line.getKey());
                w.write(GSON.toJson(line.getValue()));
                w.write('\n');
                lastWritten = line.getKey();
            }
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Drops every line of {@code metrics.json} at or after {@code iteration}, so that the resumed
     * run continues the file where the checkpoint it resumes from was taken. The file is rewritten
     * into a temporary file that is synced and then atomically renamed over it, so a crash leaves
     * either the old or the new file. Nothing happens if there is no file yet.
     *
     * @param iteration the first iteration the resumed run executes
     * @throws MetricsFileException when a complete line of the file is not a JSON object with an
     *     {@code iteration}
     */
    @Override
    public void resumeAt(long iteration) {
        closeQuietly();
        try {
            MetricsFile.truncate(file, iteration);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot rewrite "
                            + file
                            + " to resume at iteration "
                            + iteration
                            + ": "
                            + e.getMessage(),
                    e);
        }
        lastWritten = iteration - 1;
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
            } finally {
                out = null;
            }
        }
    }

    private BufferedWriter open() throws IOException {
        if (out == null) {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            out =
                    Files.newBufferedWriter(
                            file,
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
        }
        return out;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (UncheckedIOException e) {
            // a writer being reset for a resume has nothing left worth keeping
        }
    }
}
