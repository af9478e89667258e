package dev.kiln.checkpoint;

import dev.kiln.tensors.TensorData;
import java.util.Map;

/**
 * Everything one checkpoint holds, copied to the Java heap so that it can be written on another
 * thread while training goes on: the model's parameters, the optimizer's state and the JSON state.
 *
 * @param model the parameters by name
 * @param optimizer the optimizer state by key ({@code <param>.<buffer>}, {@code <param>.step});
 *     empty without an optimizer
 * @param state the JSON-friendly state for {@code trainer.json}
 */
public record Snapshot(
        Map<String, TensorData> model,
        Map<String, TensorData> optimizer,
        Map<String, Object> state) {

    /** @return the bytes of all arrays */
    public long arrayBytes() {
        long n = 0;
        for (TensorData t : model.values()) {
            n += t.data().length;
        }
        for (TensorData t : optimizer.values()) {
            n += t.data().length;
        }
        return n;
    }
}
