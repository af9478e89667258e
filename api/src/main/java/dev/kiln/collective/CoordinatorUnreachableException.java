package dev.kiln.collective;

/**
 * Joining failed because the coordinator could not be reached at the address in the coordinates:
 * nothing accepts connections there (refused), or nothing answers. The group was never entered,
 * so this says nothing about the peers: the coordinates are wrong, or the coordinator is not (or
 * no longer) running. A launcher reports it as bad input rather than as a failed training. The
 * message names the rank, the address and what happened, such as {@code rank 1: cannot reach the
 * collective's tracker at 127.0.0.1:40123: connection refused; ...}.
 *
 * <p>A coordinator that is reached but whose group does not fill up within the timeout is a
 * plain {@link CollectiveException}.
 */
public class CoordinatorUnreachableException extends CollectiveException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the rank, the address and what happened
     * @param cause what the collective library threw
     */
    public CoordinatorUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
