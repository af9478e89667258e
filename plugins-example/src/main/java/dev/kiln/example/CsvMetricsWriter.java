package dev.kiln.example;

import com.typesafe.config.Config;
import dev.kiln.events.EventStorage;
import dev.kiln.events.EventWriter;
import dev.kiln.events.ScalarEntry;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes every scalar of the event storage to a CSV file in the run directory ({@code
 * kiln.csv.file}, default {@code metrics.csv}), one row per iteration written and one column per
 * scalar name, like detectron2's JSON writer but as a table: each write adds a row for every
 * iteration that has a value newer than the last write; smoothed scalars are the median of their
 * last {@code kiln.csv.window} values, the others their newest value. A scalar that first appears
 * later widens the header (see {@link MetricsCsvFile}); a resumed run drops the rows an
 * interrupted run wrote from the resume point on.
 *
 * <p>The CSV is written with Apache Commons CSV, which the plugin jar carries shaded (relocated
 * under {@code dev.kiln.example.shaded}), so it never meets another plugin's copy.
 */
@KilnExtension(
        name = "csv",
        description = "scalars to a CSV file in the run directory, one column per name")
public final class CsvMetricsWriter implements EventWriter {

    private final MetricsCsvFile csv;
    private final Path file;
    private final int window;
    private long lastWritten = -1;
    private long resumeAt = Long.MAX_VALUE;
    private boolean open;

    /**
     * Creates the writer; the file is created or opened at the first write, so a run refused
     * before training leaves nothing behind.
     *
     * @param section {@code kiln.csv}: {@code file} (relative to the run directory) and {@code
     *     window}
     * @param outputDir the run directory
     */
    @Inject
    public CsvMetricsWriter(Config section, @Named("output-dir") Path outputDir) {
        Settings settings = Settings.of(section, "kiln.csv");
        this.file = outputDir.resolve(settings.string("file"));
        this.window = settings.intAtLeast("window", 1);
        this.csv = new MetricsCsvFile(file);
    }

    /** @return the CSV file this writer writes */
    public Path file() {
        return file;
    }

    @Override
    public void resumeAt(long iteration) {
        resumeAt = iteration;
        lastWritten = iteration - 1;
    }

    @Override
    public void write(EventStorage storage) {
        TreeMap<Long, Map<String, Double>> rows = new TreeMap<>();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, ScalarEntry> e :
                storage.latestWithSmoothingHint(window).entrySet()) {
            ScalarEntry entry = e.getValue();
            if (entry.iteration() > lastWritten) {
                rows.computeIfAbsent(entry.iteration(), i -> new LinkedHashMap<>())
                        .put(e.getKey(), entry.value());
                names.add(e.getKey());
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        try {
            if (!open) {
                csv.open(resumeAt);
                open = true;
            }
            List<String> known = csv.columns();
            List<String> added = names.stream().filter(n -> !known.contains(n)).toList();
            if (!added.isEmpty()) {
                csv.addColumns(added);
            }
            for (Map.Entry<Long, Map<String, Double>> row : rows.entrySet()) {
                csv.append(row.getKey(), row.getValue());
            }
            csv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics CSV " + file, e);
        }
        lastWritten = rows.lastKey();
    }

    @Override
    public void close() {
        try {
            csv.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the metrics CSV " + file, e);
        }
    }
}
