package dev.kiln.collective;

/**
 * A collective operation failed. The message names the rank(s), the operation and what happened,
 * such as {@code rank 0: all-reduce #12 of 250,000 floats failed after 8 ms: a peer closed its
 * connection (it probably died) (...)} or {@code rank 1: all-reduce #40 of 1,000 floats did not
 * complete within 30 s (the timeout given at join; ...): its peer rank 0 is not responding (...)};
 * a launcher that took the timeout from a config key may add the key when it reports the failure.
 */
public class CollectiveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message the rank, the operation and what happened */
    public CollectiveException(String message) {
        super(message);
    }

    /**
     * @param message the rank, the operation and what happened
     * @param cause what the collective library threw
     */
    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
