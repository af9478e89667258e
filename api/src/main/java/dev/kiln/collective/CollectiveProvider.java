package dev.kiln.collective;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * An existing collective library, wrapped for Kiln. An implementation is a Kiln extension of kind
 * {@code collective}: it carries {@code @KilnExtension}, is listed in {@code
 * META-INF/services/dev.kiln.collective.CollectiveProvider} and is created without arguments.
 *
 * <p>The launching process (the {@code --nproc} launcher, or a Spark driver) calls {@link
 * #coordinate} once, passes {@link Coordinator#coordinates()} on to every worker, and closes the
 * coordinator after the workers ended. Each worker calls {@link #join} with its rank; the ranks
 * are {@code 0 .. worldSize - 1}, each joined exactly once.
 *
 * <p>Where the coordinator listens: {@link #coordinate(int, Duration)} binds the loopback
 * interface, which serves workers on the launcher's host ({@code kiln train --nproc N}); {@link
 * #coordinate(String, int, Duration)} binds a given address of the launching machine, which workers
 * on other hosts can reach (a Spark driver's {@code spark.driver.host}); the launcher takes it from
 * {@code kiln.distributed.host} and checks beforehand that it is an address of its machine.
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

    /** The addresses {@link #coordinate(int, Duration)} binds: the loopback interface. */
    Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

    /**
     * Starts coordinating a group of ranks on the given address of this machine and an ephemeral
     * port, so that workers on other hosts can join. The default accepts only the loopback
     * interface ({@link #LOOPBACK}) and then calls {@link #coordinate(int, Duration)}; an
     * implementation that can bind another interface overrides it.
     *
     * @param host an IP address or host name of this machine, as {@code kiln.distributed.host}
     *     gives it; the launcher has checked that it names this machine
     * @param worldSize the number of ranks that will join, at least 1
     * @param connectTimeout how long to wait for all ranks to join
     * @return the running coordinator, whose {@link Coordinator#coordinates()} name {@code host}
     * @throws CollectiveException if it cannot be started, or this collective cannot bind {@code
     *     host}
     */
    default Coordinator coordinate(String host, int worldSize, Duration connectTimeout) {
        if (!LOOPBACK.contains(host)) {
            throw new CollectiveException(
                    "coordinator: this collective binds only the loopback interface (127.0.0.1),"
                            + " not "
                            + host);
        }
        return coordinate(worldSize, connectTimeout);
    }

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
