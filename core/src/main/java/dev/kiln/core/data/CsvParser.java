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
 * CsvRows}, with errors that name the file, line and column.
 */
final class CsvParser {

    private final Path file;
    private final int labelColumn;
    private final boolean header;
    private final char delimiter;

    private int columns = -1;
    private int labelIndex;
    private float[] features = new float[1024];
    private float[] labels = new float[64];
    private int rows;

    /**
     * Creates a parser.
     *
     * @param file the file
     * @param labelColumn the label's column, negative counting from the end
     * @param header whether the first line is a header to skip
     * @param delimiter the cell separator
     */
    CsvParser(Path file, int labelColumn, boolean header, char delimiter) {
        this.file = file;
        this.labelColumn = labelColumn;
        this.header = header;
        this.delimiter = delimiter;
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
        int featureCount = columns - 1;
        return new CsvRows(
                file,
                Arrays.copyOf(features, rows * featureCount),
                Arrays.copyOf(labels, rows),
                featureCount);
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
        int index = labelColumn < 0 ? count + labelColumn : labelColumn;
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException(
                    "label column "
                            + labelColumn
                            + " is out of range for "
                            + count
                            + " columns in "
                            + file);
        }
        columns = count;
        labelIndex = index;
    }

    private void parseLine(String line, long lineNo) {
        int found = countCells(line);
        if (columns < 0) {
            setColumns(found, lineNo);
        } else if (found != columns) {
            throw new DataFormatException(
                    file, lineNo, "expected " + columns + " columns but found " + found);
        }
        int featureCount = columns - 1;
        if ((rows + 1) * featureCount > features.length) {
            features =
                    Arrays.copyOf(
                            features, Math.max(features.length * 2, (rows + 1) * featureCount));
        }
        if (rows == labels.length) {
            labels = Arrays.copyOf(labels, labels.length * 2);
        }
        int base = rows * featureCount;
        int start = 0;
        int feature = 0;
        for (int column = 0; column < columns; column++) {
            int end = line.indexOf(delimiter, start);
            if (end < 0) {
                end = line.length();
            }
            float value = parseCell(line, start, end, lineNo, column);
            if (column == labelIndex) {
                labels[rows] = value;
            } else {
                features[base + feature++] = value;
            }
            start = end + 1;
        }
        rows++;
    }

    private float parseCell(String line, int start, int end, long lineNo, int column) {
        String cell = line.substring(start, end).trim();
        if (cell.length() >= 2 && cell.charAt(0) == '"' && cell.charAt(cell.length() - 1) == '"') {
            cell = cell.substring(1, cell.length() - 1).trim();
        }
        if (cell.isEmpty()) {
            throw new DataFormatException(file, lineNo, "column " + (column + 1) + " is empty");
        }
        float value;
        try {
            value = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            value = Float.NaN;
        }
        if (!Float.isFinite(value) || !looksDecimal(cell)) {
            throw new DataFormatException(
                    file, lineNo, "column " + (column + 1) + ": \"" + cell + "\" is not a number");
        }
        return value;
    }

    /** Rejects what Float.parseFloat accepts but a CSV reader should not: 1f, 0x1p3, NaN. */
    private static boolean looksDecimal(String cell) {
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
