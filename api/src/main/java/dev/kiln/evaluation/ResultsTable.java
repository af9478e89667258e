package dev.kiln.evaluation;

import java.util.Locale;
import java.util.Map;

/**
 * Evaluation results as a small Markdown table, one metric per row, to copy and paste:
 *
 * <pre>
 * | metric        | value  |
 * |---------------|--------|
 * | test/accuracy | 0.9722 |
 * </pre>
 *
 * Values are written with four decimals ({@link #format(double)}).
 */
public final class ResultsTable {

    private ResultsTable() {}

    /**
     * @param results metric to value, in the order the rows should have
     * @return the table, lines separated by {@code \n}, without a final newline
     */
    public static String of(Map<String, Double> results) {
        int nameWidth = "metric".length();
        int valueWidth = "value".length();
        for (Map.Entry<String, Double> r : results.entrySet()) {
            nameWidth = Math.max(nameWidth, r.getKey().length());
            valueWidth = Math.max(valueWidth, format(r.getValue()).length());
        }
        StringBuilder out = new StringBuilder();
        row(out, "metric", nameWidth, "value", valueWidth);
        out.append("\n|").append("-".repeat(nameWidth + 2)).append('|');
        out.append("-".repeat(valueWidth + 2)).append('|');
        for (Map.Entry<String, Double> r : results.entrySet()) {
            out.append('\n');
            row(out, r.getKey(), nameWidth, format(r.getValue()), valueWidth);
        }
        return out.toString();
    }

    /**
     * @param value a result
     * @return four decimals ({@code 0.9722}); four significant digits in scientific notation for
     *     magnitudes below 0.001 or from a million ({@code 1.234e-05}); {@code NaN} as is
     */
    public static String format(double value) {
        double magnitude = Math.abs(value);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        if (value != 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
            return String.format(Locale.ROOT, "%.3e", value);
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static void row(
            StringBuilder out, String name, int nameWidth, String value, int valueWidth) {
        out.append("| ").append(name).append(" ".repeat(nameWidth - name.length())).append(" | ");
        out.append(value).append(" ".repeat(valueWidth - value.length())).append(" |");
    }
}
