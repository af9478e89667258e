package dev.kiln.train;

import java.util.Map;

/**
 * A {@link Hook} whose progress must survive a resume (a best value, a counter of evaluations
 * without improvement). A hook is stateful by implementing this interface: the trainer's {@link
 * TrainerBase#state() state}, which a checkpoint saves, holds what {@link #saveState()} returns
 * under the hook's {@link #name()}, and {@link TrainerBase#loadState} gives it back to {@link
 * #loadState}. Names must be unique among a trainer's stateful hooks.
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
     * @return the hook's state as JSON-friendly values (numbers, strings, booleans, lists, maps)
     */
    Map<String, Object> saveState();

    /**
     * Restores what {@link #saveState()} returned in an earlier run, possibly after a JSON round
     * trip (a number may come back as another type of number).
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
