package dev.kiln.core.config;

import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The problems found while validating, and the paths already reported, so that a value with the
 * wrong type is not also reported as out of range.
 */
final class ProblemList {

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<String> reportedPaths = new HashSet<>();

    /** Adds a problem about a value that was written somewhere. */
    void add(String path, ConfigValue value, String message) {
        problems.add(new ConfigProblem(Origins.describe(value.origin()), path, message));
        reportedPaths.add(path);
    }

    /** Adds a problem found by an extension's {@link dev.kiln.spi.Settings}. */
    void add(dev.kiln.spi.SettingsException e) {
        problems.add(new ConfigProblem(e.location().orElse(null), e.key(), e.problem()));
        reportedPaths.add(e.key());
    }

    /** Adds a problem about a value that is missing, so it has no location. */
    void addMissing(String path, String message) {
        problems.add(new ConfigProblem(null, path, message));
        reportedPaths.add(path);
    }

    /** Tells whether a problem was already reported for this path. */
    boolean reported(String path) {
        return reportedPaths.contains(path);
    }

    /** Returns the problems ordered by key path (a stable sort, so checks keep their order). */
    List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(problems);
        copy.sort(Comparator.comparing(p -> p.path() == null ? "" : p.path()));
        return List.copyOf(copy);
    }
}
