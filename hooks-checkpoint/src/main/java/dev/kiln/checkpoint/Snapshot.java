package dev.kiln.checkpoint;

import dev.kiln.tensors.TensorData;
import java.util.Map;

/**
 * Everything one checkpoint holds, copied to the Java heap so that it can be written on another
 * thread while training goes on: the model's parameters, the optimizer's state, the hooks' arrays
 * and the JSON state.
 *
 * @param model the parameters by name
 * @param optimizer the optimizer state by key ({@code <param>.<buffer>}, {@code <param>.step});
 *     empty without an optimizer
 * @param hooks the arrays of the hooks' states by {@code <hook>/<key>}, taken out of the JSON
 *     state's {@code hooks}; empty when no hook keeps arrays
 * @param state the JSON-friendly state for {@code trainer.json}
 */
public record Snapshot(
        Map<String, TensorData> model,
        Map<String, TensorData> optimizer,
        Map<String, TensorData> hooks,
        Map<String, Object> state) {

    /**
     * A snapshot without hooks' arrays.
     *
     * @param model the parameters by name
     * @param optimizer the optimizer state by key
     * @param state the JSON-friendly state
     */
    public Snapshot(
            Map<String, TensorData> model,
            Map<String, TensorData> optimizer,
            Map<String, Object> state) {
        this(model, optimizer, Map.of(), state);
    }

    /** @return the bytes of all arrays */
    public long arrayBytes() {
        long n = 0;
        for (Map<String, TensorData> arrays : java.util.List.of(model, optimizer, hooks)) {
            for (TensorData t : arrays.values()) {
                n += t.data().length;
            }
        }
        return n;
    }
}
