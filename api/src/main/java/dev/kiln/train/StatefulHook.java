package dev.kiln.train;

import java.util.Map;

/**
 * A {@link Hook} whose progress must survive a resume (a best value, a counter of evaluations
 * without improvement). A hook is stateful by implementing this interface: the trainer's {@link
 * TrainerBase#state() state}, which a checkpoint saves, holds what {@link #saveState()} returns
 * under the hook's {@link #name()}, and {@link TrainerBase#loadState} gives it back to {@link
 * #loadState}. Names must be unique among a trainer's stateful hooks.
 *
 * <p>The state is JSON-friendly values, and also, at the top level of the map, {@link
 * dev.kiln.tensors.TensorData} values for arrays (a moving average of the parameters): a
 * checkpoint keeps those out of the JSON, in a safetensors file of its own ({@code
 * hooks.safetensors}, each array named {@code <hook>/<key>}, checksummed like the other files),
 * and {@link #loadState} gets them back as {@code TensorData}, bitwise. A {@code TensorData} the
 * hook returns must not change afterwards: a checkpoint may write it on another thread while
 * training goes on. A hook that keeps arrays has a name without {@code /}.
 *
 * <pre>{@code
 * public final class CountingHook extends HookBase implements StatefulHook {
 *     private long count;
 *
 *     public void afterStep() { count++; }
 *
 *     public Map<String, Object> saveState() { return Map.of("count", count); }
 *
 *     public void loadState(Map<String, Object> state) {
 *         count = ((Number) state.get("count")).longValue(); // a long comes back from JSON as a double
 *     }
 * }
 * }</pre>
 */
public interface StatefulHook extends Hook {

    /**
     * @return the hook's state as JSON-friendly values (numbers, strings, booleans, lists, maps),
     *     and {@link dev.kiln.tensors.TensorData} arrays at the top level
     */
    Map<String, Object> saveState();

    /**
     * Restores what {@link #saveState()} returned in an earlier run, possibly after a JSON round
     * trip (a number may come back as another type of number); its {@code TensorData} values come
     * back as {@code TensorData} with the same bytes.
     *
     * @param state the saved state
     */
    void loadState(Map<String, Object> state);

    /**
     * Tells whether this hook has state to save in this run. A hook whose state depends on how it
     * is configured (a learning-rate hook is stateful only with a metric-driven schedule) returns
     * {@code false} when it has none: the trainer then neither saves nor restores it, nor counts
     * its name among the stateful hooks'. Asked when the hook is registered and at each save and
     * restore, so the answer must not change once the hook is built.
     *
     * @return whether {@link #saveState()} has something a resume needs; {@code true} by default
     */
    default boolean hasState() {
        return true;
    }
}
