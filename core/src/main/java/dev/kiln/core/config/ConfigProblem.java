package dev.kiln.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong with a configuration: where it was written, which key, and what is wrong.
 *
 * <p>{@link #toString()} gives the line users see, e.g. {@code examples/bad.conf:7:
 * kiln.solver.base_lr: unknown key; did you mean base-lr?}.
 *
 * @param location where the offending value was written ({@code file:line}, a resource URL with its
 *     line, or {@code command line override 2}); null when the value is missing altogether
 * @param path the key path such as {@code kiln.solver.max-iter}; null for problems not tied to one
 *     key (a syntax error, a missing file)
 * @param message what is wrong, without location or path
 */
public record ConfigProblem(String location, String path, String message) {

    /**
     * Checks that there is a message.
     *
     * @throws NullPointerException if {@code message} is null
     */
    public ConfigProblem {
        Objects.requireNonNull(message, "message");
    }

    /**
     * Returns where the offending value was written, if known.
     *
     * @return the location, empty when the value is missing
     */
    public Optional<String> optLocation() {
        return Optional.ofNullable(location);
    }

    /**
     * Returns the key path, if the problem is about one key.
     *
     * @return the path, empty for syntax errors and missing files
     */
    public Optional<String> optPath() {
        return Optional.ofNullable(path);
    }

    /**
     * Returns the problem as one line: {@code location: path: message}, leaving out the parts that
     * are unknown.
     *
     * @return the human-readable line
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (location != null) {
            sb.append(location).append(": ");
        }
        if (path != null) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }
}
