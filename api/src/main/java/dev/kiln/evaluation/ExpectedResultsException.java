package dev.kiln.evaluation;

import java.util.List;

/**
 * The results of an evaluation are not those the config expects (an evaluation hook's expected
 * results); the {@code kiln} command exits with 1. The message lists, for each
 * miss, the metric, what was expected and what came.
 */
public class ExpectedResultsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> misses;

    /**
     * @param misses one line per metric that missed: what was expected and what came
     */
    public ExpectedResultsException(List<String> misses) {
        super(
                "results not as expected: "
                        + misses.size()
                        + " of the expected results missed:\n  "
                        + String.join("\n  ", misses));
        this.misses = List.copyOf(misses);
    }

    /** @return one line per metric that missed */
    public List<String> misses() {
        return misses;
    }
}
