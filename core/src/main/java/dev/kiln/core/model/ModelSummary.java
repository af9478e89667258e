package dev.kiln.core.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table of an initialized model's parameters, after Lightning's {@code ModelSummary}: one line
 * per parameter block (its name as DJL gives it, its shape, its element count, whether it is
 * trained), then the totals and the size of the parameters at 4 bytes each (float32). The text is
 * the same on every engine; {@code kiln train} logs it and writes it to {@value #FILE_NAME} in the
 * run directory.
 *
 * <pre>
 * name              shape   params  trainable
 * 01hidden1_weight  (4, 5)      20  yes
 * 01hidden1_bias    (4)          4  yes
 * 03output_weight   (3, 4)      12  yes
 * 03output_bias     (3)          3  yes
 *
 * parameters: 39, trainable: 39, non-trainable: 0, size at float32: 156 bytes
 * </pre>
 */
public final class ModelSummary {

    /** The file of the run directory the summary is written to. */
    public static final String FILE_NAME = "model_summary.txt";

    private static final String[] HEADER = {"name", "shape", "params", "trainable"};

    /** One parameter block. */
    private record Row(String name, String shape, long count, boolean trainable) {}

    private final List<Row> rows;
    private final long total;
    private final long trainable;

    private ModelSummary(List<Row> rows) {
        this.rows = List.copyOf(rows);
        this.total = rows.stream().mapToLong(Row::count).sum();
        this.trainable = rows.stream().filter(Row::trainable).mapToLong(Row::count).sum();
    }

    /**
     * Summarizes a model whose parameters are initialized.
     *
     * @param model the model
     * @return its summary
     * @throws IllegalStateException when a parameter is not initialized
     */
    public static ModelSummary of(Block model) {
        List<Row> rows = new ArrayList<>();
        for (Pair<String, Parameter> entry : model.getParameters()) {
            Parameter parameter = entry.getValue();
            if (!parameter.isInitialized()) {
                throw new IllegalStateException(
                        "parameter " + entry.getKey() + " is not initialized");
            }
            Shape shape = parameter.getArray().getShape();
            rows.add(
                    new Row(
                            entry.getKey(),
                            describe(shape),
                            shape.size(),
                            parameter.requiresGradient()));
        }
        return new ModelSummary(rows);
    }

    private static String describe(Shape shape) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.dimension(); i++) {
            text.append(i == 0 ? "" : ", ").append(shape.get(i));
        }
        return text.append(')').toString();
    }

    /** @return the number of parameters (elements of all blocks) */
    public long parameters() {
        return total;
    }

    /** @return the number of parameters that training updates */
    public long trainableParameters() {
        return trainable;
    }

    /** @return the size of all parameters at 4 bytes each */
    public long bytesAtFloat32() {
        return total * Float.BYTES;
    }

    /**
     * Renders the table and the totals: columns separated by two spaces, names and shapes to the
     * left, counts to the right; every line ends with a newline.
     *
     * @return the summary's text
     */
    public String text() {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row row : rows) {
            cells.add(
                    new String[] {
                        row.name(),
                        row.shape(),
                        Long.toString(row.count()),
                        row.trainable() ? "yes" : "no"
                    });
        }
        int[] widths = new int[HEADER.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] line : cells) {
            String formatted =
                    String.format(
                            Locale.ROOT,
                            "%-" + widths[0] + "s  %-" + widths[1] + "s  %" + widths[2] + "s  %s",
                            (Object[]) line);
            text.append(formatted.stripTrailing()).append('\n');
        }
        text.append('\n')
                .append(
                        String.format(
                                Locale.ROOT,
                                "parameters: %d, trainable: %d, non-trainable: %d, size at float32:"
                                        + " %d bytes",
                                total,
                                trainable,
                                total - trainable,
                                bytesAtFloat32()))
                .append('\n');
        return text.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
