package dev.kiln.core.config;

import java.util.Map;
import java.util.Optional;

/**
 * Which first-party plugin jar provides which extension name, so that a config naming an extension
 * whose jar is not in {@code plugins/} gets told which jar to add.
 */
public final class FirstPartyPlugins {

    private static final Map<String, String> JAR_BY_NAME =
            Map.ofEntries(
                    Map.entry("checkpoint", "kiln-hooks-checkpoint"),
                    Map.entry("best-checkpoint", "kiln-hooks-checkpoint"),
                    Map.entry("lr-scheduler", "kiln-hooks-lr"),
                    Map.entry("lr-schedule", "kiln-hooks-lr"),
                    Map.entry("eval", "kiln-hooks-eval"),
                    Map.entry("early-stopping", "kiln-hooks-eval"),
                    Map.entry("accuracy", "kiln-hooks-eval"),
                    Map.entry("per-class", "kiln-hooks-eval"),
                    Map.entry("loss", "kiln-hooks-eval"),
                    Map.entry("regression", "kiln-hooks-eval"),
                    Map.entry("json", "kiln-writers-json"),
                    Map.entry("tensorboard", "kiln-writers-tensorboard"),
                    Map.entry("hello", "kiln-plugins-example"));

    private FirstPartyPlugins() {}

    /**
     * Returns the artifact of the first-party plugin providing an extension name.
     *
     * @param extensionName a name such as {@code checkpoint}
     * @return the artifact id such as {@code kiln-hooks-checkpoint}, or empty if no first-party
     *     plugin provides that name
     */
    public static Optional<String> jarFor(String extensionName) {
        return Optional.ofNullable(JAR_BY_NAME.get(extensionName));
    }

    /**
     * Returns the sentence telling the user how to install the plugin providing a name.
     *
     * @param extensionName a name such as {@code checkpoint}
     * @return e.g. {@code checkpoint is provided by the plugin jar kiln-hooks-checkpoint, which is
     *     not installed: put kiln-hooks-checkpoint-<version>.jar into plugins/}, or empty
     */
    public static Optional<String> installHint(String extensionName) {
        return jarFor(extensionName)
                .map(
                        jar ->
                                extensionName
                                        + " is provided by the plugin jar "
                                        + jar
                                        + ", which is not installed: put "
                                        + jar
                                        + "-<version>.jar into plugins/");
    }
}
