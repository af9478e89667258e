package dev.kiln.cli;

import java.io.IOException;
import java.util.List;

/**
 * One way of running the N worker processes of a distributed run: {@code kiln train --nproc N}
 * starts them on this host, the Spark application ({@code kiln-spark}) as the tasks of a barrier
 * stage. {@link DistributedLaunch} does what every way shares before calling it: the config, the
 * batch split, the run directory, the collective and its coordinator's address are checked, and
 * it closes every coordinator once {@link #launch} returned.
 *
 * <p>Each worker runs {@code kiln train} with the given arguments and {@code --rank r
 * --world-size N}, with the coordinates of one coordinator in its environment, each key prefixed
 * by {@link #COORDINATE_PREFIX}. Rank 0 writes the run directory.
 */
@FunctionalInterface
public interface WorkerLauncher {

    /** The prefix of the environment variables that carry the collective's coordinates. */
    String COORDINATE_PREFIX = "KILN_COLLECTIVE_";

    /**
     * The address the coordinator binds when {@code kiln.distributed.host} is null.
     *
     * @return 127.0.0.1 by default: the workers run on this host
     */
    default String defaultHost() {
        return "127.0.0.1";
    }

    /**
     * Runs the workers and waits for them.
     *
     * @param workers the number of workers, N
     * @param arguments the arguments of {@code kiln train} for every worker, without {@code
     *     --rank} and {@code --world-size}
     * @param coordinators starts a coordinator for one group of N workers; each group of workers
     *     that joins (each attempt, when the launcher retries) needs one of its own
     * @return the exit code of the run: 0 when every worker ended well, else as {@code kiln train}
     *     documents (1 training failed, 2 bad input, 130/143 stopped by a signal)
     * @throws IOException when the workers cannot be started
     * @throws InterruptedException when interrupted while waiting
     */
    int launch(int workers, List<String> arguments, Coordinators coordinators)
            throws IOException, InterruptedException;
}
