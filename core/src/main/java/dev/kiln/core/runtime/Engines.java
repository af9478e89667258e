package dev.kiln.core.runtime;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Looks up DJL engines by name, case-insensitively, with errors that say which engines exist.
 *
 * <p>Only engines whose provider is on the class path are known (see {@link
 * Engine#getAllEngines()}).
 */
public final class Engines {

    private Engines() {}

    /**
     * Returns the engine with the given name, ignoring case ({@code "pytorch"} finds {@code
     * PyTorch}).
     *
     * @param name an engine name such as {@code PyTorch} or {@code MXNet}
     * @return the loaded engine
     * @throws IllegalArgumentException if no such engine is on the class path, or it fails to load
     */
    public static Engine byName(String name) {
        String canonical =
                canonicalName(name)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "unknown engine \""
                                                        + name
                                                        + "\"; available: "
                                                        + String.join(", ", available())));
        try {
            return Engine.getEngine(canonical);
        } catch (EngineException e) {
            throw new IllegalArgumentException(
                    "engine "
                            + canonical
                            + " is on the class path but failed to load: "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Tells whether an engine with this name (ignoring case) is on the class path.
     *
     * @param name an engine name
     * @return true if {@link #byName(String)} can find it
     */
    public static boolean hasEngine(String name) {
        return canonicalName(name).isPresent();
    }

    /**
     * Returns the names of the engines on the class path, sorted.
     *
     * @return engine names as DJL spells them
     */
    public static List<String> available() {
        return Engine.getAllEngines().stream().sorted().toList();
    }

    /**
     * Returns DJL's spelling of an engine name given in any case.
     *
     * @param name an engine name in any case
     * @return the name as registered with DJL, if such an engine is on the class path
     */
    public static Optional<String> canonicalName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim();
        if (Engine.hasEngine(wanted)) {
            return Optional.of(wanted);
        }
        String lower = wanted.toLowerCase(Locale.ROOT);
        return Engine.getAllEngines().stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).equals(lower))
                .findFirst();
    }
}
