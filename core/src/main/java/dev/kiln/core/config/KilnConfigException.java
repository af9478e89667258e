package dev.kiln.core.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration cannot be used: it failed to parse, or it failed validation. Carries every
 * problem found, not just the first; {@link #getMessage()} has one line per problem, ready to print
 * (the command prints it and exits with status 2).
 */
public final class KilnConfigException extends RuntimeException {

    private final List<ConfigProblem> problems;

    /**
     * Creates the exception from the problems found.
     *
     * @param problems at least one problem, in the order to report them
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public KilnConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Returns the problems, in report order.
     *
     * @return an unmodifiable list with at least one element
     */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a KilnConfigException needs at least one problem");
        }
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }
}
