package dev.kiln.core.data;

import java.nio.file.Path;

/**
 * The numeric content of a CSV file: a row-major feature matrix and one label per row.
 *
 * @param file the file it was read from
 * @param features row-major features, {@code featureCount} per row
 * @param labels one label per row
 * @param featureCount columns per row, the label column excluded
 */
record CsvRows(Path file, float[] features, float[] labels, int featureCount) {

    int rowCount() {
        return labels.length;
    }
}
