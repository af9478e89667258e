package dev.kiln.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the label columns of a CSV file hold ({@code kiln.data.*.targets}), and so what the model
 * predicts: one class index, or one output per label column.
 */
public enum CsvTargets {
    /** One label column holding a class index 0, 1, ...; the model has one output per class. */
    CLASSES("classes"),
    /** Each label column holds a number to regress; the model has one output per column. */
    VALUES("values"),
    /** Each label column holds 0 or 1, one label of several; the model has one output per column. */
    MULTI_LABEL("multi-label");

    private final String configName;

    CsvTargets(String configName) {
        this.configName = configName;
    }

    /**
     * Returns the name used in configuration files.
     *
     * @return {@code classes}, {@code values} or {@code multi-label}
     */
    public String configName() {
        return configName;
    }

    /**
     * Returns every name used in configuration files, in declaration order.
     *
     * @return {@code [classes, values, multi-label]}
     */
    public static List<String> names() {
        return Arrays.stream(values()).map(CsvTargets::configName).toList();
    }

    /**
     * Finds the targets by their configuration name, ignoring case and surrounding space.
     *
     * @param name {@code classes}, {@code values} or {@code multi-label}
     * @return the targets
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static CsvTargets fromName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (CsvTargets targets : values()) {
            if (targets.configName.equals(wanted)) {
                return targets;
            }
        }
        throw new IllegalArgumentException(
                "unknown targets \"" + name + "\"; valid: " + String.join(", ", names()));
    }

    /**
     * Checks a list of label columns against these targets, before the file is read: the list is
     * not empty, no index is listed twice, and several columns are not class indices.
     *
     * @param columns the listed column indices, as written (negative ones count from the end)
     * @return null if the list is fine, otherwise what is wrong, for a message about the key
     *     {@code label-columns}
     */
    public String columnsProblem(List<Long> columns) {
        if (columns.isEmpty()) {
            return "must list at least one column; leave it null to use label-column";
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.subList(0, i).contains(columns.get(i))) {
                return "column " + columns.get(i) + " is listed twice";
            }
        }
        if (this == CLASSES && columns.size() > 1) {
            return "lists "
                    + columns.size()
                    + " columns, but targets = classes takes one label column; use targets ="
                    + " values for several regression targets, or targets = multi-label for"
                    + " several 0/1 labels";
        }
        return null;
    }

    @Override
    public String toString() {
        return configName;
    }
}
