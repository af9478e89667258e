package dev.kiln.spi;

import java.util.Optional;

/**
 * A bad value in an extension's settings, found by {@link Settings}: where it was written, its full
 * key, and what is wrong. The message is the one line Kiln prints: {@code <file>:<line>: <key>:
 * <problem>}.
 */
public final class SettingsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String location;
    private final String key;
    private final String problem;

    /**
     * @param location where the value was written ({@code file:line}), or null when it is missing
     * @param key the full key, such as {@code kiln.greeter.period}
     * @param problem what is wrong and what would be valid
     */
    public SettingsException(String location, String key, String problem) {
        super((location == null ? "" : location + ": ") + key + ": " + problem);
        this.location = location;
        this.key = key;
        this.problem = problem;
    }

    /** @return where the value was written, empty when it is missing */
    public Optional<String> location() {
        return Optional.ofNullable(location);
    }

    /** @return the full key, such as {@code kiln.greeter.period} */
    public String key() {
        return key;
    }

    /** @return what is wrong, without location or key */
    public String problem() {
        return problem;
    }
}
