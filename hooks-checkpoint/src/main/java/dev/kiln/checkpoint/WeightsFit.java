package dev.kiln.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.kiln.spi.SettingsException;
import dev.kiln.train.WeightsSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches the names of a file of parameters with a model's: renames each file name by {@code
 * kiln.weights.rename}, then sorts the names into loaded, missing, unexpected and mismatched.
 */
final class WeightsFit {

    /**
     * What one entry of the file holds.
     *
     * @param shape its shape
     * @param dataType its type, or null when only the shape is known (a header checked without
     *     reading its types)
     */
    record Entry(Shape shape, DataType dataType) {}

    private WeightsFit() {}

    /**
     * Renames the file's names.
     *
     * @param source the rules
     * @param fileNames the file's names, in order
     * @return each file name's new name (itself when no rule matches), in the file's order
     * @throws SettingsException when two names of the file end up with one name, or a rule's
     *     replacement is invalid
     */
    static Map<String, String> rename(WeightsSource source, Iterable<String> fileNames) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, String> byNewName = new LinkedHashMap<>();
        for (String fileName : fileNames) {
            String renamed = source.renamed(fileName);
            String other = byNewName.putIfAbsent(renamed, fileName);
            if (other != null) {
                throw new SettingsException(
                        source.location(),
                        WeightsSource.KEY + ".rename",
                        "\""
                                + other
                                + "\" and \""
                                + fileName
                                + "\" of "
                                + source.path()
                                + " would both be loaded as \""
                                + renamed
                                + "\"; make the rules give each name of the file its own");
            }
            names.put(fileName, renamed);
        }
        return names;
    }

    /**
     * Compares the file with the model.
     *
     * @param source the rules
     * @param file the file's entries by their names in the file
     * @param model the initialized model
     * @return the report, its names those after renaming
     */
    static WeightsReport compare(WeightsSource source, Map<String, Entry> file, Block model) {
        Map<String, String> names = rename(source, file.keySet());
        Map<String, String> original = new LinkedHashMap<>();
        Map<String, String> renamed = new LinkedHashMap<>();
        names.forEach(
                (from, to) -> {
                    original.put(to, from);
                    if (!from.equals(to)) {
                        renamed.put(from, to);
                    }
                });
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Map<String, String> unexpected = new LinkedHashMap<>(original);
        for (Pair<String, Parameter> p : model.getParameters()) {
            String name = p.getKey();
            String fileName = original.get(name);
            unexpected.remove(name);
            if (fileName == null) {
                missing.add(name);
                continue;
            }
            Entry saved = file.get(fileName);
            NDArray array = p.getValue().getArray();
            if (!saved.shape().equals(array.getShape())
                    || (saved.dataType() != null && saved.dataType() != array.getDataType())) {
                mismatched.add(
                        described(name, fileName)
                                + ": file "
                                + (saved.dataType() == null ? "" : saved.dataType())
                                + saved.shape()
                                + " vs model "
                                + (saved.dataType() == null ? "" : array.getDataType())
                                + array.getShape());
            } else {
                loaded.add(name);
            }
        }
        List<String> unused = new ArrayList<>();
        for (WeightsSource.Rename rule : source.rename()) {
            if (file.keySet().stream().noneMatch(rule::matches)) {
                unused.add(rule.toString());
            }
        }
        List<String> unexpectedNames = new ArrayList<>();
        unexpected.forEach((name, fileName) -> unexpectedNames.add(described(name, fileName)));
        return new WeightsReport(loaded, missing, unexpectedNames, mismatched, renamed, unused);
    }

    /**
     * The error of a strict source that does not fit.
     *
     * @param source the source
     * @param report what does not fit
     * @return the exception naming where {@code kiln.weights} was set and every name
     */
    static SettingsException notStrictlyFitting(WeightsSource source, WeightsReport report) {
        return new SettingsException(
                source.location(),
                WeightsSource.KEY,
                source.path()
                        + " does not fit the model, and strict = true: "
                        + report.misfits()
                        + " (names after kiln.weights.rename; set strict = false to skip them and"
                        + " keep their initial values)");
    }

    private static String described(String name, String fileName) {
        return name.equals(fileName) ? name : name + " (was " + fileName + ")";
    }
}
