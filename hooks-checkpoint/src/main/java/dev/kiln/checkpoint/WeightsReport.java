package dev.kiln.checkpoint;

import java.util.List;

/**
 * What loading parameters only (fine-tuning) did.
 *
 * @param loaded names whose values were loaded
 * @param missing the model's names the file lacks; they keep their initial values
 * @param unexpected the file's names the model lacks; ignored
 * @param mismatched names in both whose shape or type differ, as {@code name: file F32(3, 4) vs
 *     model F32(4, 4)}; skipped
 */
public record WeightsReport(
        List<String> loaded,
        List<String> missing,
        List<String> unexpected,
        List<String> mismatched) {

    /** Copies the lists. */
    public WeightsReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }
}
