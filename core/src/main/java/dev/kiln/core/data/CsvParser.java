package dev.kiln.core.data;

import dev.kiln.data.DataFormatException;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads a numeric CSV file (plain or gzip-compressed, detected from its first bytes) into {@link
 * CsvRows}, with errors that name the file, line and column. The label columns are given as a list
 * (one for a class or a single value); each row's labels are their values in the list's order, and
 * every other column is a feature, in file order.
 */
final class CsvParser {

    private final Path file;
    private final int[] labelColumns;
    private final boolean header;
    private final char delimiter;
    private final CsvTargets targets;

    /** The largest class index a label may hold: classes beyond it could not be outputs. */
    private static final float MAX_CLASS = 1 << 24;

    private int columns = -1;

    /** For each column of the file, its place among the labels, or -1 for a feature. */
    private int[] labelSlot;

    private float[] features = new float[1024];
    private float[] labels = new float[64];
    private int rows;

    /**
     * Creates a parser.
     *
     * @param file the file
     * @param labelColumns the label columns, at least one, negative counting from the end
     * @param header whether the first line is a header to skip
     * @param delimiter the cell separator
     * @param targets what the labels hold: a class index (a whole number from 0), a value, or 0 or
     *     1 per label (multi-label)
     */
    CsvParser(Path file, int[] labelColumns, boolean header, char delimiter, CsvTargets targets) {
        if (labelColumns.length == 0) {
            throw new IllegalArgumentException("at least one label column is needed");
        }
        this.file = file;
        this.labelColumns = labelColumns.clone();
        this.header = header;
        this.delimiter = delimiter;
        this.targets = targets;
    }

    /**
     * Reads the whole file.
     *
     * @return the rows
     * @throws IllegalArgumentException if the file is missing or has no data rows
     * @throws DataFormatException if a line is malformed
     * @throws UncheckedIOException if reading fails
     */
    CsvRows parse() {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("CSV file not found: " + file.toAbsolutePath());
        }
        try (BufferedReader reader = open()) {
            String line;
            long lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                if (lineNo == 1 && header) {
                    setColumns(countCells(line), lineNo);
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                parseLine(line, lineNo);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed: " + e.getMessage(), e);
        }
        if (rows == 0) {
            throw new IllegalArgumentException("CSV file has no data rows: " + file);
        }
        int labelCount = labelColumns.length;
        int featureCount = columns - labelCount;
        return new CsvRows(
                file,
                Arrays.copyOf(features, rows * featureCount),
                Arrays.copyOf(labels, rows * labelCount),
                featureCount,
                labelCount);
    }

    private BufferedReader open() throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    private int countCells(String line) {
        int count = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == delimiter) {
                count++;
            }
        }
        return count;
    }

    private void setColumns(int count, long lineNo) {
        if (count < 2) {
            throw new DataFormatException(
                    file, lineNo, "found " + count + " column; need features and a label");
        }
        int[] slot = new int[count];
        Arrays.fill(slot, -1);
        for (int i = 0; i < labelColumns.length; i++) {
            int column = labelColumns[i];
            int index = column < 0 ? count + column : column;
            if (index < 0 || index >= count) {
                throw new LabelColumnsException(
                        "label column "
                                + column
                                + " is out of range for "
                                + count
                                + " columns in "
                                + file,
                        "column "
                                + column
                                + " is out of range for the "
                                + count
                                + " columns of "
                                + file
                                + "; valid: 0 to "
                                + (count - 1)
                                + ", or -"
                                + count
                                + " to -1 from the end");
            }
            if (slot[index] >= 0) {
                int other = labelColumns[slot[index]];
                throw new LabelColumnsException(
                        "label columns "
                                + other
                                + " and "
                                + column
                                + " are the same column of "
                                + file,
                        "columns "
                                + other
                                + " and "
                                + column
                                + " are the same column ("
                                + index
                                + ") of "
                                + file);
            }
            slot[index] = i;
        }
        if (labelColumns.length >= count) {
            throw new LabelColumnsException(
                    "the label columns are all "
                            + count
                            + " columns of "
                            + file
                            + "; at least one must be a feature",
                    "lists all "
                            + count
                            + " columns of "
                            + file
                            + "; at least one must be a feature");
        }
        columns = count;
        labelSlot = slot;
    }

    private void parseLine(String line, long lineNo) {
        int found = countCells(line);
        if (columns < 0) {
            setColumns(found, lineNo);
        } else if (found != columns) {
            throw new DataFormatException(
                    file, lineNo, "expected " + columns + " columns but found " + found);
        }
        int labelCount = labelColumns.length;
        int featureCount = columns - labelCount;
        if ((rows + 1) * featureCount > features.length) {
            features =
                    Arrays.copyOf(
                            features, Math.max(features.length * 2, (rows + 1) * featureCount));
        }
        if ((rows + 1) * labelCount > labels.length) {
            labels = Arrays.copyOf(labels, Math.max(labels.length * 2, (rows + 1) * labelCount));
        }
        int base = rows * featureCount;
        int labelBase = rows * labelCount;
        int start = 0;
        int feature = 0;
        for (int column = 0; column < columns; column++) {
            int end = line.indexOf(delimiter, start);
            if (end < 0) {
                end = line.length();
            }
            String cell = cellText(line, start, end, lineNo, column);
            float value = parseCell(cell, lineNo, column);
            int slot = labelSlot[column];
            if (slot >= 0) {
                if (targets == CsvTargets.CLASSES
                        && (value < 0 || value != Math.rint(value) || value > MAX_CLASS)) {
                    throw new DataFormatException(
                            file,
                            lineNo,
                            "column "
                                    + (column + 1)
                                    + ": \""
                                    + cell
                                    + "\" is not a class index: with targets = classes a label is"
                                    + " a whole number 0, 1, 2, ... (for values to regress, set"
                                    + " targets = values)");
                }
                if (targets == CsvTargets.MULTI_LABEL && value != 0 && value != 1) {
                    throw new DataFormatException(
                            file,
                            lineNo,
                            "column "
                                    + (column + 1)
                                    + ": \""
                                    + cell
                                    + "\" is not 0 or 1, as a label of targets = multi-label"
                                    + " must be");
                }
                labels[labelBase + slot] = value;
            } else {
                features[base + feature++] = value;
            }
            start = end + 1;
        }
        rows++;
    }

    private String cellText(String line, int start, int end, long lineNo, int column) {
        String cell = line.substring(start, end).trim();
        if (cell.length() >= 2 && cell.charAt(0) == '"' && cell.charAt(cell.length() - 1) == '"') {
            cell = cell.substring(1, cell.length() - 1).trim();
        }
        if (cell.isEmpty()) {
            throw new DataFormatException(file, lineNo, "column " + (column + 1) + " is empty");
        }
        return cell;
    }

    private float parseCell(String cell, long lineNo, int column) {
        float value;
        try {
            value = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            value = Float.NaN;
        }
        if (!Float.isFinite(value) || !looksDecimal(cell)) {
            throw new DataFormatException(
                    file,
                    lineNo,
                    "column " + (column + 1) + ": \"" + cell + "\" " + notANumber(cell));
        }
        return value;
    }

    /**
     * @return why a cell that is not a finite decimal number is refused: NaN and the infinities,
     *     spelled out or too large for a float, are named as such
     */
    private static String notANumber(String cell) {
        String word = cell.toLowerCase(java.util.Locale.ROOT).replaceFirst("^[+-]", "");
        boolean nonFinite =
                word.equals("nan")
                        || word.equals("inf")
                        || word.equals("infinity")
                        || (looksDecimal(cell) && !Float.isFinite(parseOrNaN(cell)));
        return nonFinite
                ? "is not a finite number; every cell must be a finite decimal number such as 0.5"
                        + " or -3e2 (NaN and infinities are not allowed)"
                : "is not a number; every cell must be a decimal number such as 0.5 or -3e2";
    }

    private static float parseOrNaN(String cell) {
        try {
            return Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }

    /** Rejects what Float.parseFloat accepts but a CSV reader should not: 1f, 0x1p3, NaN. */
    static boolean looksDecimal(String cell) {
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (!(c >= '0' && c <= '9')
                    && c != '.'
                    && c != '-'
                    && c != '+'
                    && c != 'e'
                    && c != 'E') {
                return false;
            }
        }
        return true;
    }
}
