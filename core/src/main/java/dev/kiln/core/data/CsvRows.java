package dev.kiln.core.data;

import java.nio.file.Path;

/**
 * The numeric content of a CSV file: a row-major feature matrix and a row-major label matrix.
 *
 * @param file the file it was read from
 * @param features row-major features, {@code featureCount} per row
 * @param labels row-major labels, {@code labelCount} per row
 * @param featureCount columns per row, the label columns excluded
 * @param labelCount label columns per row, at least 1
 */
record CsvRows(Path file, float[] features, float[] labels, int featureCount, int labelCount) {

    int rowCount() {
        return labels.length / labelCount;
    }
}
