package dev.kiln.cli;

import com.typesafe.config.Config;
import dev.kiln.collective.CollectiveException;
import dev.kiln.collective.CollectiveProvider;
import dev.kiln.collective.Coordinator;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.core.run.KilnRun;
import dev.kiln.spi.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * The start of a run with N worker processes, whichever {@link WorkerLauncher} runs them: the
 * checks {@code kiln train} makes before it starts anything (the config is valid, {@code
 * kiln.solver.batch-size} splits into N equal shares, the run directory is unused or resumable, a
 * collective is installed or named, {@code kiln.distributed.host} is an address of this machine),
 * each a message and exit code 2; then the launcher runs, with the coordinators it asks for, and
 * every coordinator is closed when it returns.
 */
public final class DistributedLaunch {

    /** The key of the address the coordinator binds. */
    static final String HOST_KEY = "kiln.distributed.host";

    private DistributedLaunch() {}

    /**
     * Checks the run and launches its workers.
     *
     * @param options the run's config files, overrides, engine and output directory
     * @param flag the option that asked for N workers, for messages ({@code --nproc 2})
     * @param n the number of workers, at least 2
     * @param arguments the arguments of {@code kiln train} for every worker
     * @param launcher how the workers run
     * @return the launcher's exit code
     * @throws CliFailure (exit 2) for a bad config, command line or run directory, (exit 1) when
     *     the coordinator or the workers cannot be started
     */
    public static int run(
            RunOptions options,
            String flag,
            int n,
            List<String> arguments,
            WorkerLauncher launcher) {
        try (KilnRun run = options.load()) {
            KilnConfig config = run.config();
            long pieces =
                    (long) n
                            * config.devices().map(List::size).orElse(1)
                            * config.accumulateSteps();
            if (config.batchSize() % pieces != 0) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        flag
                                + " "
                                + n
                                + ": kiln.solver.batch-size ("
                                + config.batchSize()
                                + ") must split into an equal share for each process (times its"
                                + " devices and accumulate-steps); choose a multiple of "
                                + pieces,
                        null);
            }
            if (config.resume()) {
                RunDirectory.requireResumable(config.outputDir());
            } else {
                RunDirectory.requireUnused(config.outputDir());
            }
            String host = host(config.config(), launcher.defaultHost());
            CollectiveProvider provider = TrainCommand.collective(run);
            Duration timeout = TrainCommand.timeout(config);
            List<Coordinator> started = Collections.synchronizedList(new ArrayList<>());
            Coordinators coordinators =
                    new Coordinators() {
                        @Override
                        public Coordinator start() {
                            Coordinator coordinator = provider.coordinate(host, n, timeout);
                            started.add(coordinator);
                            return coordinator;
                        }

                        @Override
                        public String host() {
                            return host;
                        }
                    };
            try {
                return launcher.launch(n, arguments, coordinators);
            } catch (CollectiveException e) {
                throw new CliFailure(
                        CliFailure.TRAINING_FAILED,
                        "cannot start the collective's coordinator on "
                                + host
                                + ": "
                                + e.getMessage(),
                        e);
            } finally {
                synchronized (started) {
                    started.forEach(Coordinator::close);
                }
            }
        } catch (IOException e) {
            throw new CliFailure(
                    CliFailure.TRAINING_FAILED, "cannot start the worker processes: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.TRAINING_FAILED, "interrupted", e);
        }
    }

    /**
     * The address the coordinator binds: {@code kiln.distributed.host}, or the launcher's default.
     *
     * @throws CliFailure (exit 2) when it does not resolve, or is no address of this machine (the
     *     workers could not reach a coordinator there)
     */
    static String host(Config config, String defaultHost) {
        boolean given = !config.getIsNull(HOST_KEY);
        String host = given ? config.getString(HOST_KEY).trim() : defaultHost;
        String where =
                given
                        ? Settings.location(config.getValue(HOST_KEY).origin())
                                + ": "
                                + HOST_KEY
                                + ": "
                                + host
                        : HOST_KEY + " is null, and the launcher's default address " + host;
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException e) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    where
                            + " is an unknown host, so the collective's tracker would be"
                            + " unreachable; give an address of this machine: "
                            + String.join(", ", localAddresses()),
                    null);
        }
        if (!isLocal(address)) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    where
                            + (host.equals(address.getHostAddress())
                                    ? ""
                                    : " (" + address.getHostAddress() + ")")
                            + " is not an address of this machine, so the collective's tracker"
                            + " cannot listen there and would be unreachable for the workers; give"
                            + " one of this machine's addresses that the workers reach: "
                            + String.join(", ", localAddresses()),
                    null);
        }
        return host;
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** @return this machine's IPv4 and IPv6 addresses, sorted */
    private static List<String> localAddresses() {
        TreeSet<String> out = new TreeSet<>();
        try {
            NetworkInterface.networkInterfaces()
                    .forEach(
                            i ->
                                    i.inetAddresses()
                                            .forEach(
                                                    a ->
                                                            out.add(
                                                                    a.getHostAddress()
                                                                            .replaceAll(
                                                                                    "%.*", ""))));
        } catch (SocketException e) {
            out.add("127.0.0.1");
        }
        return List.copyOf(out);
    }
}
