package dev.kiln.core.data;

import ai.djl.ndarray.types.Shape;
import dev.kiln.predict.InputException;
import dev.kiln.predict.InputReader;
import dev.kiln.predict.NamedInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads rows of feature cells as the {@code csv} dataset read its test rows: the same number
 * parsing, then the scaling fitted on the training rows. A row holds the feature columns only, in
 * the training file's order without its label columns.
 */
final class CsvInputReader implements InputReader {

    private final ScalingStats scaling;
    private final char delimiter;
    private final boolean header;

    /**
     * @param scaling the training rows' scaling, whose length is the number of features
     * @param delimiter the cell separator
     * @param header whether a file of rows starts with a header line to skip
     */
    CsvInputReader(ScalingStats scaling, char delimiter, boolean header) {
        this.scaling = scaling;
        this.delimiter = delimiter;
        this.header = header;
    }

    @Override
    public Shape exampleShape() {
        return new Shape(scaling.featureCount());
    }

    /**
     * A file gives each of its non-blank lines (after the header, when the training file had one),
     * named {@code file:line}; any other argument is one row.
     */
    @Override
    public List<NamedInput> expand(String argument) {
        Path file = asFile(argument);
        if (file == null && isFolder(argument)) {
            throw new InputException(
                    argument
                            + ": is a folder; this model reads rows of "
                            + scaling.featureCount()
                            + " feature cells: a CSV file of them, or one row");
        }
        if (file == null) {
            if (argument.indexOf(delimiter) < 0 && scaling.featureCount() > 1) {
                throw new InputException(
                        argument
                                + ": no such file, and not a row of "
                                + scaling.featureCount()
                                + " numbers separated by '"
                                + delimiter
                                + "'");
            }
            return List.of(new NamedInput(argument, argument));
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InputException(
                    argument
                            + ": not a text file; this model reads CSV rows of "
                            + features(scaling.featureCount()),
                    e);
        } catch (IOException | UncheckedIOException e) {
            throw new InputException(argument + ": cannot be read: " + e.getMessage(), e);
        }
        List<NamedInput> rows = new ArrayList<>();
        for (int i = header ? 1 : 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                rows.add(new NamedInput(argument + ":" + (i + 1), lines.get(i)));
            }
        }
        if (rows.isEmpty()) {
            throw new InputException(argument + ": holds no rows");
        }
        return rows;
    }

    @Override
    public float[] read(NamedInput input) {
        String name = input.name();
        String text = input.text();
        int n = scaling.featureCount();
        float[] values = new float[n];
        int column = 0;
        int start = 0;
        while (true) {
            int end = text.indexOf(delimiter, start);
            if (end < 0) {
                end = text.length();
            }
            if (column == n) {
                long cells = 1 + text.chars().filter(c -> c == delimiter).count();
                throw new InputException(
                        name
                                + ": "
                                + cells
                                + " cells; the model reads "
                                + features(n)
                                + " (the feature columns only, without labels)");
            }
            values[column] = cell(name, text.substring(start, end), column);
            column++;
            if (end == text.length()) {
                break;
            }
            start = end + 1;
        }
        if (column != n) {
            throw new InputException(
                    name
                            + ": "
                            + column
                            + (column == 1 ? " cell" : " cells")
                            + "; the model reads "
                            + features(n)
                            + " (the feature columns only, without labels)");
        }
        scaling.applyInPlace(values);
        return values;
    }

    private static float cell(String name, String raw, int column) {
        String cell = raw.trim();
        if (cell.length() >= 2 && cell.charAt(0) == '"' && cell.charAt(cell.length() - 1) == '"') {
            cell = cell.substring(1, cell.length() - 1).trim();
        }
        float value;
        try {
            value = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            value = Float.NaN;
        }
        if (cell.isEmpty() || !Float.isFinite(value) || !CsvParser.looksDecimal(cell)) {
            throw new InputException(
                    name + ": column " + (column + 1) + ": \"" + cell + "\" is not a number");
        }
        return value;
    }

    private static String features(int n) {
        return n + (n == 1 ? " feature" : " features");
    }

    private static boolean isFolder(String argument) {
        try {
            return Files.isDirectory(Path.of(argument));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static Path asFile(String argument) {
        try {
            Path path = Path.of(argument);
            return Files.isRegularFile(path) ? path : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
