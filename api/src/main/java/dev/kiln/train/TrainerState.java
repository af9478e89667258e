package dev.kiln.train;

import java.util.Map;

/**
 * What a trainer must save to resume exactly, besides the model and optimizer arrays: the
 * iteration to resume at, each {@link StatefulHook}'s state by the hook's name, and the trainer's
 * own extra state (for example the position of its data source). Values are JSON-friendly, but for
 * the arrays a hook's state may hold at its top level ({@link StatefulHook}).
 *
 * @param iteration the iteration training resumes at
 * @param hooks each stateful hook's state by name
 * @param extra the trainer's own state, by key
 */
public record TrainerState(
        long iteration, Map<String, Map<String, Object>> hooks, Map<String, Object> extra) {

    /** Copies the maps so the record cannot change behind the caller's back. */
    public TrainerState {
        hooks = Map.copyOf(hooks);
        extra = Map.copyOf(extra);
    }
}
