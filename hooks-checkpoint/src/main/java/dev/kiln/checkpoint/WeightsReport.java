package dev.kiln.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What loading parameters only (fine-tuning) did, or would do. Every name is the one matched with
 * the model's, after {@code kiln.weights.rename}; a renamed name in {@code unexpected} or {@code
 * mismatched} says what it was called in the file.
 *
 * @param loaded names whose values were loaded
 * @param missing the model's names the file lacks; they keep their initial values
 * @param unexpected the file's names the model lacks, as {@code name} or {@code name (was
 *     file-name)}; ignored
 * @param mismatched names in both whose shape or type differ, as {@code name: file F32(3, 4) vs
 *     model F32(4, 4)} or {@code name (was file-name): ...}; skipped
 * @param renamed each name of the file a rule changed, to the name it became, in the file's order
 * @param unusedRules the rename rules that matched no name of the file, as written
 */
public record WeightsReport(
        List<String> loaded,
        List<String> missing,
        List<String> unexpected,
        List<String> mismatched,
        Map<String, String> renamed,
        List<String> unusedRules) {

    /** Copies the lists. */
    public WeightsReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
        renamed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(renamed));
        unusedRules = List.copyOf(unusedRules);
    }

    /**
     * A report without renaming.
     *
     * @param loaded names whose values were loaded
     * @param missing the model's names the file lacks
     * @param unexpected the file's names the model lacks
     * @param mismatched names in both whose shape or type differ
     */
    public WeightsReport(
            List<String> loaded,
            List<String> missing,
            List<String> unexpected,
            List<String> mismatched) {
        this(loaded, missing, unexpected, mismatched, Map.of(), List.of());
    }

    /** @return whether every name of the model and of the file was loaded */
    public boolean fits() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /**
     * @return what does not fit, as {@code missing [a, b]; unexpected [c]; mismatched [d: ...]},
     *     each part only when it has names; empty when everything {@link #fits}
     */
    public String misfits() {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing " + missing);
        }
        if (!unexpected.isEmpty()) {
            parts.add("unexpected " + unexpected);
        }
        if (!mismatched.isEmpty()) {
            parts.add("mismatched " + mismatched);
        }
        return String.join("; ", parts);
    }
}
