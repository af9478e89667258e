package dev.kiln.cli;

import dev.kiln.collective.Coordinator;

/**
 * Starts the coordinators of a distributed run, given to a {@link WorkerLauncher}: each one for
 * one group of N workers, with the collective, world size, address and timeout {@link
 * DistributedLaunch} chose. Every coordinator started is closed when the launch ends; a launcher
 * may close one earlier (the one of a failed attempt).
 */
public interface Coordinators {

    /**
     * Starts a coordinator; may be called from any thread.
     *
     * @return the running coordinator, whose coordinates the workers of one group get
     * @throws dev.kiln.collective.CollectiveException if it cannot be started
     */
    Coordinator start();

    /**
     * @return the address of this machine the coordinators bind ({@code kiln.distributed.host},
     *     checked), where a launcher may also serve its workers
     */
    String host();
}
