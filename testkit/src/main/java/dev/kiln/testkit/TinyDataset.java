package dev.kiln.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The kit's built-in data: a small, seeded, numeric CSV of well-separated classes (each class a
 * cloud of points around its own corner of a hypercube), so a model learns it in a few dozen
 * iterations. Rows are {@value #FEATURES} features then the label.
 */
final class TinyDataset {

    /** Features per row. */
    static final int FEATURES = 4;

    /** Classes, labelled 0 .. CLASSES-1. */
    static final int CLASSES = 3;

    /** Rows per class. */
    static final int ROWS_PER_CLASS = 20;

    private static final long SEED = 20_240_601L;

    private TinyDataset() {}

    /**
     * Writes the dataset, always the same bytes.
     *
     * @param file where
     * @return the file
     */
    static Path writeTo(Path file) {
        SplittableRandom random = new SplittableRandom(SEED);
        StringBuilder csv = new StringBuilder();
        for (int row = 0; row < CLASSES * ROWS_PER_CLASS; row++) {
            int label = row % CLASSES;
            for (int f = 0; f < FEATURES; f++) {
                // class c sits at +3 on feature c and -3 elsewhere, with unit noise
                double center = f == label ? 3.0 : -3.0;
                double value = center + random.nextGaussian();
                csv.append(String.format(Locale.ROOT, "%.4f", value)).append(',');
            }
            csv.append(label).append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, csv, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test kit's data to " + file, e);
        }
    }
}
