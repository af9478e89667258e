package dev.kiln.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker processes of {@code kiln train --nproc N}: N JVMs running {@code kiln train} with
 * the same arguments and {@code --rank r --world-size N}, each with its share of the cores, the
 * collective's coordinates in its environment and a temporary directory of its own. Rank 0's
 * output is this process's; the others' goes to a log each, shown when that rank fails. The first
 * rank to fail stops the others.
 */
final class Workers {

    /**
     * The environment variable that tells a worker its rank among the workers of its host (here
     * all of them), so that on GPUs each takes GPUs of its own (see {@code
     * DefaultTrainer.setLocalRank}).
     */
    static final String LOCAL_RANK = "KILN_LOCAL_RANK";

    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final Path scratch;

    private Workers(Path scratch) {
        this.scratch = scratch;
    }

    /**
     * Starts the workers.
     *
     * @param n the number of workers
     * @param args the arguments of {@code kiln train} without {@code --nproc}
     * @param coordinates what each worker needs to join the collective
     * @return the started workers
     * @throws IOException when a process cannot be started
     */
    static Workers start(int n, List<String> args, Map<String, String> coordinates)
            throws IOException {
        Workers workers = new Workers(Files.createTempDirectory("kiln-workers-"));
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / n);
        for (int rank = 0; rank < n; rank++) {
            Path tmp = Files.createDirectories(workers.scratch.resolve("tmp-" + rank));
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                // kiln.stderr names a descriptor of this process (bin/kiln's 3), which a worker
                // does not inherit: there, descriptor 3 is whatever the JVM opened (its
                // lib/modules)
                if (!option.startsWith("-Djava.io.tmpdir=")
                        && !option.startsWith("-D" + KilnMain.STANDARD_ERROR + "=")) {
                    command.add(option);
                }
            }
            command.add("-Djava.io.tmpdir=" + tmp);
            command.add("-Dai.djl.pytorch.num_threads=" + threads);
            command.add("-Dai.djl.pytorch.num_interop_threads=1");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(KilnMain.class.getName());
            command.add("train");
            command.addAll(args);
            command.add("--rank");
            command.add(Integer.toString(rank));
            command.add("--world-size");
            command.add(Integer.toString(n));
            ProcessBuilder builder = new ProcessBuilder(command);
            coordinates.forEach(
                    (key, value) ->
                            builder.environment()
                                    .put(WorkerLauncher.COORDINATE_PREFIX + key, value));
            builder.environment().put(LOCAL_RANK, Integer.toString(rank));
            builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            builder.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
            Path log = workers.scratch.resolve("rank-" + rank + ".log");
            if (rank == 0) {
                builder.inheritIO();
            } else {
                builder.redirectErrorStream(true).redirectOutput(log.toFile());
            }
            workers.logs.add(log);
            workers.processes.add(builder.start());
        }
        LOG.info(
                "Started {} worker processes, {} intra-op threads each: pids {}",
                n,
                threads,
                workers.processes.stream().map(Process::pid).toList());
        return workers;
    }

    /**
     * @return this worker's rank among the workers of its host, from {@link #LOCAL_RANK}; 0 when
     *     it is not set (a worker that a launcher other than {@code --nproc} started)
     * @throws CliFailure (exit 2) when it is set but not a whole number of at least 0
     */
    static int localRank() {
        String value = System.getenv(LOCAL_RANK);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int rank = Integer.parseInt(value.strip());
            if (rank >= 0) {
                return rank;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliFailure(
                CliFailure.BAD_INPUT,
                LOCAL_RANK + " must be a whole number of at least 0, got \"" + value + "\"",
                null);
    }

    /** Asks every worker still running to stop after an agreed step (SIGTERM). */
    void stop() {
        for (Process process : processes) {
            if (process.isAlive()) {
                process.destroy();
            }
        }
    }

    /**
     * Waits for the workers: until all exit, or the first exits with a code other than 0, which
     * stops the others.
     *
     * @return 0, rank 0's code when every rank stopped alike (such as 143 after SIGTERM), or the
     *     failing rank's code
     * @throws InterruptedException when interrupted while waiting
     */
    int await() throws InterruptedException {
        BlockingQueue<Integer> exited = new LinkedBlockingQueue<>();
        for (int rank = 0; rank < processes.size(); rank++) {
            int r = rank;
            processes.get(rank).onExit().thenRun(() -> exited.add(r));
        }
        for (int left = processes.size(); left > 0; left--) {
            int rank = exited.take();
            int code = processes.get(rank).exitValue();
            if (code != 0 && !stoppedBySignal(code)) {
                return failed(rank, code);
            }
        }
        return processes.get(0).exitValue();
    }

    /** SIGTERM's and SIGINT's codes: a rank that stopped as asked, not one that failed. */
    private static boolean stoppedBySignal(int code) {
        return code == 143 || code == 130;
    }

    private int failed(int rank, int code) throws InterruptedException {
        Process process = processes.get(rank);
        if (rank != 0 || code != CliFailure.BAD_INPUT) {
            System.err.println(
                    "kiln: rank "
                            + rank
                            + " (pid "
                            + process.pid()
                            + ") "
                            + (code > 128
                                    ? "was killed by signal " + (code - 128)
                                    : "exited with code " + code)
                            + "; stopping the other ranks");
            if (rank != 0) {
                printTail(rank);
            }
        }
        // the others notice the lost rank within moments and say so; then they are stopped
        long settle = System.nanoTime() + SETTLE.toNanos();
        for (Process other : processes) {
            other.waitFor(Math.max(0, settle - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        for (int r = 0; r < processes.size(); r++) {
            Process other = processes.get(r);
            if (!other.isAlive()) {
                continue;
            }
            if (stopped(other.pid())) {
                // a stopped process holds SIGTERM until it continues: only SIGKILL ends it
                System.err.println(
                        "kiln: rank "
                                + r
                                + " (pid "
                                + other.pid()
                                + ") is stopped (SIGSTOP, or a debugger) and cannot finish its"
                                + " step; killing it");
                other.destroyForcibly();
            } else {
                other.destroy();
            }
        }
        for (Process other : processes) {
            if (!other.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                other.destroyForcibly().waitFor();
            }
        }
        return code == CliFailure.BAD_INPUT ? code : CliFailure.TRAINING_FAILED;
    }

    /**
     * @return whether the process is stopped (state {@code T} or {@code t} in Linux's {@code
     *     /proc/PID/stat}); false where that cannot be read
     */
    static boolean stopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (command) state ...": the command may hold spaces and parentheses
            int end = stat.lastIndexOf(')');
            char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
            return state == 'T' || state == 't';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void printTail(int rank) {
        try {
            List<String> lines = Files.readAllLines(logs.get(rank), StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.max(0, lines.size() - 10), lines.size())) {
                System.err.println("[rank " + rank + "] " + line);
            }
        } catch (IOException e) {
            // nothing to show
        }
    }

    /** Deletes the workers' temporary directories and logs. */
    void cleanUp() {
        RunDirectory.deleteQuietly(scratch);
    }
}
