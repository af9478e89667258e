package dev.kiln.collective;

import java.nio.FloatBuffer;

/**
 * One rank's membership of a group of {@link #worldSize()} ranks that all-reduce together, from
 * {@link CollectiveProvider#join}.
 *
 * <p><b>Threads.</b> Every call, {@link #close()} included, must be made on the thread that
 * joined: collective libraries keep their communicator per thread (XGBoost's does), so a call from
 * another thread would talk to no group at all. An implementation rejects a call from another
 * thread with an {@link IllegalStateException}.
 *
 * <p><b>Collective calls.</b> {@link #allReduceSum} is collective: every rank makes the same
 * sequence of calls with the same counts. A rank that makes a different call, or none, makes the
 * others fail with a {@link CollectiveException} (never wrong data, never a silent hang) within
 * the timeout given at join; after such a failure the group is unusable and the only call left is
 * {@link #close()}.
 */
public interface Collective extends AutoCloseable {

    /** @return this rank, {@code 0 <= rank < worldSize()} */
    int rank();

    /** @return the number of ranks in the group */
    int worldSize();

    /**
     * Sums {@code count} floats element-wise over all ranks, in place: on return the first {@code
     * count} floats of {@code buffer} (from index 0, whatever its position) hold the sum on every
     * rank.
     *
     * <p><b>Bits.</b> Every rank gets bit-identical results. With 2 ranks each element is exactly
     * the correctly rounded {@code a + b} (float addition is commutative). With more ranks the
     * order in which the ranks' values are added is the implementation's and depends on the world
     * size and on the element's position, so the result can differ in the last bits from a
     * left-to-right sum, and from a run with another world size; it is the same from call to call
     * for the same inputs.
     *
     * @param buffer a direct buffer in native byte order, holding at least {@code count} floats
     * @param count the number of floats to sum; the same on every rank
     * @throws CollectiveException if the ranks disagree on {@code count}, a peer died or did not
     *     respond within the timeout, or the library failed; naming the rank and the operation
     * @throws IllegalArgumentException if the buffer is not direct, not in native order, or
     *     smaller than {@code count}
     * @throws IllegalStateException if called from another thread than the one that joined, or
     *     after {@link #close()} or a failure
     */
    void allReduceSum(FloatBuffer buffer, int count);

    /**
     * Leaves the group; idempotent. Called on the thread that joined. After a failure it releases
     * what it can without waiting for the peers.
     */
    @Override
    void close();
}
