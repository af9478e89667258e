package dev.kiln.train;

import java.util.Map;

/**
 * Training stopped because the loss became infinite or NaN; the message names the iteration and
 * every loss term's value.
 */
public final class NonFiniteLossException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long iteration;
    private final Map<String, Float> terms;

    /**
     * @param iteration the iteration whose loss was not finite
     * @param terms every loss term's value
     */
    public NonFiniteLossException(long iteration, Map<String, Float> terms) {
        super(
                "the loss became infinite or NaN at iteration "
                        + iteration
                        + " (loss terms: "
                        + terms
                        + "); lower kiln.solver.base-lr, set kiln.solver.clip-gradients, or"
                        + " check that the data is scaled (kiln.data.train.scaling)");
        this.iteration = iteration;
        this.terms = Map.copyOf(terms);
    }

    /** @return the iteration whose loss was not finite */
    public long iteration() {
        return iteration;
    }

    /** @return every loss term's value */
    public Map<String, Float> terms() {
        return terms;
    }
}
