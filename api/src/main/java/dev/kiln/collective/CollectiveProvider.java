package dev.kiln.collective;

import java.time.Duration;
import java.util.Map;

/**
 * An existing collective library, wrapped for Kiln. An implementation is a Kiln extension of kind
 * {@code collective}: it carries {@code @KilnExtension}, is listed in {@code
 * META-INF/services/dev.kiln.collective.CollectiveProvider} and is created without arguments.
 *
 * <p>The launching process (the {@code --nproc} launcher, or a Spark driver) calls {@link
 * #coordinate} once, passes {@link Coordinator#coordinates()} on to every worker, and closes the
 * coordinator after the workers ended. Each worker calls {@link #join} with its rank; the ranks
 * are {@code 0 .. worldSize - 1}, each joined exactly once.
 */
public interface CollectiveProvider {

    /**
     * Starts coordinating a group of ranks: binds the loopback interface, or whatever the
     * implementation documents, on an ephemeral port.
     *
     * @param worldSize the number of ranks that will join, at least 1
     * @param connectTimeout how long to wait for all ranks to join
     * @return the running coordinator
     * @throws CollectiveException if it cannot be started
     */
    Coordinator coordinate(int worldSize, Duration connectTimeout);

    /**
     * Joins the group as one rank; blocks until every rank joined. The returned collective belongs
     * to the calling thread (see {@link Collective}).
     *
     * @param coordinates {@link Coordinator#coordinates()} of the group's coordinator
     * @param rank this worker's rank, {@code 0 <= rank < worldSize}
     * @param worldSize the number of ranks, the one given to {@link #coordinate}
     * @param timeout how long any one operation (joining included) may wait for a peer before it
     *     fails with a {@link CollectiveException}
     * @return this rank's collective
     * @throws CoordinatorUnreachableException if the coordinator cannot be reached at the address
     *     in {@code coordinates}; bounded by {@code timeout}
     * @throws CollectiveException if joining fails otherwise or times out (the coordinator was
     *     reached, but not every rank joined), or the group disagrees with the given rank or world
     *     size
     */
    Collective join(Map<String, String> coordinates, int rank, int worldSize, Duration timeout);
}
