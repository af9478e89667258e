package dev.kiln.checkpoint;

import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint that was verified and loaded into the model and optimizer.
 *
 * @param path the checkpoint's directory
 * @param state the content of its {@code trainer.json}; whole numbers are {@code Long}s; the
 *     arrays of its {@code hooks.safetensors} are {@code TensorData} values in their hooks' states
 */
public record LoadedCheckpoint(Path path, Map<String, Object> state) {

    /** @return the checkpoint's name, its directory's name */
    public String name() {
        return path.getFileName().toString();
    }

    /** @return the {@code iteration} of the state, or -1 when it has none */
    public long iteration() {
        return state.get("iteration") instanceof Number n ? n.longValue() : -1;
    }
}
