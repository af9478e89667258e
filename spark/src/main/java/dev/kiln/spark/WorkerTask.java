package dev.kiln.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.BarrierTaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * One barrier task, run on an executor: rank = the partition id. It asks the driver's {@link
 * AttemptCoordinators} for this stage attempt's coordinates and starts one child process, the Kiln
 * distribution's {@code bin/kiln train <arguments> --rank r --world-size N}, with the coordinates
 * in its environment as {@code kiln train --nproc N} gives them, its share of the cores, and, on
 * a retried attempt, {@code kiln.resume=true}, so that it continues from {@code last_checkpoint}.
 * The child's output goes to the task's log (the executor's standard output), each line prefixed
 * with the rank. A child that fails fails the task, naming the rank and the exit code; a task that
 * is killed stops its child.
 *
 * <p>Only the JDK, Spark and this class run here: the executors do not have Kiln's libraries.
 */
final class WorkerTask extends AbstractFunction1<Iterator<Object>, Iterator<Object>>
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The prefix of the environment variables with the coordinates (the cli's). */
    static final String COORDINATE_PREFIX = "KILN_COLLECTIVE_";

    private static final long GRACE_SECONDS = 10;

    /** The exit code of {@code kiln train} for a bad config, command line or input. */
    private static final int BAD_INPUT = 2;

    private final int workers;
    private final ArrayList<String> arguments;
    private final String kilnHome;
    private final String driverDirectory;
    private final String serviceHost;
    private final int servicePort;

    WorkerTask(
            int workers,
            List<String> arguments,
            String kilnHome,
            String driverDirectory,
            String serviceHost,
            int servicePort) {
        this.workers = workers;
        this.arguments = new ArrayList<>(arguments);
        this.kilnHome = kilnHome;
        this.driverDirectory = driverDirectory;
        this.serviceHost = serviceHost;
        this.servicePort = servicePort;
    }

    @Override
    public Iterator<Object> apply(Iterator<Object> partition) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        int attempt = context.stageAttemptNumber();
        Path kiln = Path.of(kilnHome).toAbsolutePath().resolve("bin/kiln");
        if (!Files.isExecutable(kiln)) {
            throw new IllegalStateException(
                    "kiln worker rank "
                            + rank
                            + ": no Kiln distribution at spark.kiln.home = "
                            + kilnHome
                            + " ("
                            + kiln
                            + " is missing) on this executor; ship it with spark-submit"
                            + " --archives kiln.tgz#kiln, or set spark.kiln.home to where it is");
        }
        Map<String, String> coordinates = coordinates(serviceHost, servicePort, attempt, rank);
        List<String> command = new ArrayList<>();
        command.add(kiln.toString());
        command.add("train");
        command.addAll(arguments);
        if (attempt > 0) {
            command.add("kiln.resume=true"); // continue from the failed attempt's last checkpoint
        }
        command.add("--rank");
        command.add(Integer.toString(rank));
        command.add("--world-size");
        command.add(Integer.toString(workers));
        Path tmp;
        try {
            tmp = Files.createTempDirectory("kiln-rank-" + rank + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int threads = Math.max(1, context.cpus());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Path driverDir = Path.of(driverDirectory);
        if (Files.isDirectory(driverDir)) {
            builder.directory(driverDir.toFile());
        }
        Map<String, String> env = builder.environment();
        coordinates.forEach((key, value) -> env.put(COORDINATE_PREFIX + key, value));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("MKL_NUM_THREADS", Integer.toString(threads));
        String options = env.getOrDefault("KILN_JAVA_OPTS", "");
        env.put(
                "KILN_JAVA_OPTS",
                (options
                                + " -Djava.io.tmpdir="
                                + tmp
                                + " -Dai.djl.pytorch.num_threads="
                                + threads
                                + " -Dai.djl.pytorch.num_interop_threads=1")
                        .trim());
        System.out.println(
                "kiln: stage attempt "
                        + attempt
                        + ", rank "
                        + rank
                        + ": "
                        + String.join(" ", command));
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "kiln worker rank " + rank + ": cannot start " + kiln, e);
        }
        Thread stopper = new Thread(() -> stop(child), "kiln-rank-" + rank + "-stopper");
        Runtime.getRuntime().addShutdownHook(stopper);
        AtomicReference<String> message = new AtomicReference<>();
        Thread pump = pump(child, rank, message);
        try {
            while (!child.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (context.isInterrupted()) {
                    stop(child);
                    throw new IllegalStateException(
                            "kiln worker rank "
                                    + rank
                                    + ": the task was killed; stopped its worker");
                }
            }
            pump.join(TimeUnit.SECONDS.toMillis(GRACE_SECONDS));
        } catch (InterruptedException e) {
            stop(child);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "kiln worker rank " + rank + ": the task was interrupted; stopped its worker",
                    e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the executor is shutting down; the hook runs
            }
            deleteQuietly(tmp);
        }
        int code = child.exitValue();
        if (code != 0) {
            String said = message.get();
            if (code == BAD_INPUT) {
                report(rank + ": " + (said == null ? "exited with code 2" : said));
            }
            throw new IllegalStateException(
                    "kiln worker rank "
                            + rank
                            + " (pid "
                            + child.pid()
                            + ", stage attempt "
                            + attempt
                            + ") "
                            + (code > 128
                                    ? "was killed by signal " + (code - 128)
                                    : "exited with code " + code)
                            + (said == null ? "" : ": " + said));
        }
        @SuppressWarnings("unchecked")
        Iterator<Object> none =
                (Iterator<Object>) (Iterator<?>) scala.collection.Iterator$.MODULE$.empty();
        return none;
    }

    /**
     * Asks the driver for the coordinates of a stage attempt.
     *
     * @return the coordinates, to pass on unchanged
     * @throws IllegalStateException naming the rank when the driver cannot be reached or cannot
     *     start the coordinator
     */
    static Map<String, String> coordinates(String host, int port, int attempt, int rank) {
        Map<String, String> coordinates = new LinkedHashMap<>();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 30_000);
            socket.setSoTimeout(120_000);
            PrintWriter out =
                    new PrintWriter(socket.getOutputStream(), false, StandardCharsets.UTF_8);
            out.print(attempt + "\n");
            out.flush();
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                int eq = line.indexOf('=');
                String key = line.substring(0, Math.max(0, eq));
                String value = line.substring(eq + 1);
                if (key.equals("error")) {
                    throw new IllegalStateException(
                            "kiln worker rank "
                                    + rank
                                    + ": the driver cannot coordinate: "
                                    + value);
                }
                coordinates.put(key, value);
            }
            if (line == null) {
                throw new IOException("the driver closed the connection before the end");
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "kiln worker rank "
                            + rank
                            + ": cannot get the coordinates from the driver at "
                            + host
                            + ":"
                            + port
                            + " (kiln.distributed.host): "
                            + e,
                    e);
        }
        return coordinates;
    }

    /** Tells the driver that this rank's worker refused its input; best effort. */
    private void report(String message) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(serviceHost, servicePort), 30_000);
            PrintWriter out =
                    new PrintWriter(socket.getOutputStream(), false, StandardCharsets.UTF_8);
            out.print("bad-input rank " + message.replace('\n', ' ') + "\n");
            out.flush();
        } catch (IOException e) {
            // the driver is gone; Spark's retries end the job
        }
    }

    /**
     * Copies the child's output to this task's log, each line prefixed with the rank, and keeps
     * its last message ({@code kiln: ...}, without the prefix).
     */
    private static Thread pump(Process child, int rank, AtomicReference<String> message) {
        Thread pump =
                new Thread(
                        () -> {
                            try (BufferedReader lines =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    child.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = lines.readLine()) != null) {
                                    System.out.println("[rank " + rank + "] " + line);
                                    if (line.startsWith("kiln: ")) {
                                        message.set(line.substring("kiln: ".length()));
                                    }
                                }
                            } catch (IOException e) {
                                // the child is gone
                            }
                        },
                        "kiln-rank-" + rank + "-output");
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    /** SIGTERM to the child and what it started, then SIGKILL after a grace period. */
    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.descendants().forEach(ProcessHandle::destroy);
        child.destroy();
        try {
            if (!child.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory
        }
    }
}
