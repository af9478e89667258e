package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.tensors.SafeTensors;
import dev.kiln.testkit.KilnCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults of {@code kiln train --nproc} through the distribution: a worker that hangs
 * (SIGSTOP) makes the launcher exit with 1 within the timeout and a few seconds, naming the rank
 * and {@code kiln.distributed.timeout}, kills the stopped worker, and the run resumes bitwise; a worker whose tracker refuses
 * connections exits with 2 and one message naming the address, creating no run directory; a
 * tracker that accepts but never forms the group fails the worker with 1 after the timeout;
 * {@code --nproc 0} is refused.
 */
class NprocFaultsIT {

    private static final Pattern ITER = Pattern.compile("iter: (\\d+)");
    private static final Pattern PIDS = Pattern.compile("pids \\[(\\d+), (\\d+)\\]");
    private static final String TIMEOUT = "kiln.distributed.timeout=5s";

    @TempDir Path tmp;

    /** The quickstart, as NprocIT trains it, with a timeout of 5 s. */
    private static List<String> command(Path outputDir, String... more) {
        List<String> command = new ArrayList<>(Repository.trainQuickstart(outputDir, "PyTorch"));
        command.add("kiln.solver.max-iter=400");
        command.add("kiln.checkpoint.period=50");
        command.add("kiln.writer-period=10");
        command.add(TIMEOUT);
        command.addAll(List.of(more));
        return command;
    }

    @Test
    void aHungWorkerFailsTheRunWithinTheTimeoutNamingItAndTheRunResumesBitwise() throws Exception {
        Path reference = tmp.resolve("reference");
        CheckpointIT.Result full = CheckpointIT.finish(command(reference, "--nproc", "2"));
        assertThat(full.exitCode()).as(full.output()).isZero();

        Path hung = tmp.resolve("hung");
        Process launcher = CheckpointIT.start(command(hung, "--nproc", "2"));
        StringBuilder output = new StringBuilder();
        AtomicLong stoppedAt = new AtomicLong();
        CompletableFuture<Long> victim = new CompletableFuture<>();
        Thread reader =
                new Thread(
                        () -> readAndStop(launcher, hung, output, victim, stoppedAt),
                        "launcher-output");
        reader.start();
        try {
            // a safety net against a hang: the launcher should end seconds after the timeout
            boolean ended = launcher.waitFor(3, TimeUnit.MINUTES);
            long endedAt = System.nanoTime();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            String out;
            synchronized (output) {
                out = output.toString();
            }
            assertThat(ended).as(out).isTrue();
            assertThat(victim).as("rank 1 stopped once training was under way: %s", out).isDone();
            long pid = victim.get();
            double seconds = (endedAt - stoppedAt.get()) / 1e9;
            System.out.printf("the launcher exited %.1f s after rank 1 was stopped%n", seconds);

            assertThat(launcher.exitValue()).as(out).isEqualTo(1);
            assertThat(out)
                    .contains("its peer rank 1 is not responding")
                    .containsPattern(
                            "kiln: training failed at iteration \\d+: rank 0: all-reduce #")
                    .contains("did not complete within 5 s")
                    .contains("kiln.distributed.timeout = 5s")
                    .contains("kiln: rank 1 (pid " + pid + ") is stopped")
                    .doesNotContain("\tat ")
                    .doesNotContain("Exception in thread");
            // the timeout (5 s), the launcher's settling (3 s) and JVM exits; generous bound
            assertThat(seconds).as(out).isGreaterThan(4).isLessThan(60);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("the stopped rank is killed by the launcher")
                    .isFalse();

            assertThat(hung.resolve("model_final")).doesNotExist();
            String last = Files.readString(hung.resolve("last_checkpoint")).strip();
            assertThat(last).matches("model_\\d{7}");
            assertThat(SafeTensors.read(hung.resolve(last).resolve("model.safetensors")))
                    .as("the last checkpoint, %s, reads", last)
                    .isNotEmpty();
        } finally {
            if (victim.isDone()) {
                ProcessHandle.of(victim.get()).ifPresent(NprocFaultsIT::continueAndKill);
            }
            launcher.descendants().forEach(NprocFaultsIT::continueAndKill);
            launcher.destroyForcibly();
        }

        CheckpointIT.Result resumed =
                CheckpointIT.finish(command(hung, "--nproc", "2", "--resume"));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Resuming from checkpoint");
        assertThat(
                        Arrays.equals(
                                CheckpointIT.finalParameters(hung),
                                CheckpointIT.finalParameters(reference)))
                .as("resumed with --nproc 2 after the hang vs uninterrupted")
                .isTrue();
    }

    /**
     * Reads the launcher's output; once rank 0 printed iteration 120 or later and a checkpoint
     * exists, stops rank 1 with SIGSTOP.
     */
    private static void readAndStop(
            Process launcher,
            Path outputDir,
            StringBuilder output,
            CompletableFuture<Long> victim,
            AtomicLong stoppedAt) {
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String secondPid = null;
            while ((line = lines.readLine()) != null) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                Matcher pids = PIDS.matcher(line);
                if (pids.find()) {
                    secondPid = pids.group(2);
                }
                Matcher m = ITER.matcher(line);
                if (!victim.isDone()
                        && secondPid != null
                        && m.find()
                        && Integer.parseInt(m.group(1)) >= 120
                        && Files.exists(outputDir.resolve("last_checkpoint"))) {
                    Process stop = new ProcessBuilder("kill", "-STOP", secondPid).start();
                    if (stop.waitFor() == 0) {
                        stoppedAt.set(System.nanoTime());
                        victim.complete(Long.parseLong(secondPid));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves no stopped process behind: SIGCONT, then SIGKILL. */
    private static void continueAndKill(ProcessHandle process) {
        if (process.isAlive()) {
            try {
                new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor();
            } catch (IOException e) {
                // SIGKILL ends a stopped process too
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }

    @Test
    void aWorkerWhoseTrackerRefusesConnectionsExitsWith2NamingTheAddress() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path out = tmp.resolve("refused");
        long started = System.nanoTime();
        KilnCommand.Result result =
                worker(
                        Map.of(
                                "dmlc_tracker_uri", "127.0.0.1",
                                "dmlc_tracker_port", Integer.toString(port),
                                "kiln_connect_timeout_s", "5"),
                        command(out, "--rank", "0", "--world-size", "2"));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("refused: exit %d after %.1f s%n", result.exitCode(), seconds);

        assertThat(result.assertBadInput(out))
                .contains(
                        "kiln: rank 0: cannot reach the collective's tracker at 127.0.0.1:"
                                + port
                                + ": connection refused (1 attempt, ")
                .contains("the process that launched the workers (kiln train --nproc)")
                .contains(WorkerLauncher.COORDINATE_PREFIX + "dmlc_tracker_port=" + port)
                .doesNotContain("WARNING");
        // a safety net: one refused attempt, after the JVM started and read the data
        assertThat(seconds).as(result.describe()).isLessThan(60);
    }

    @Test
    void aWorkerWhoseTrackerNeverFormsTheGroupFailsAfterTheTimeout() throws Exception {
        Path out = tmp.resolve("alone");
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket tracker = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            // accepts the worker's connection and never answers, as a tracker whose other ranks
            // never come would
            Thread acceptor =
                    new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        Socket s = tracker.accept();
                                        synchronized (accepted) {
                                            accepted.add(s);
                                        }
                                    }
                                } catch (IOException closed) {
                                    // the test ended
                                }
                            },
                            "silent-tracker");
            acceptor.setDaemon(true);
            acceptor.start();
            KilnCommand.Result result =
                    worker(
                            Map.of(
                                    "dmlc_tracker_uri", "127.0.0.1",
                                    "dmlc_tracker_port", Integer.toString(tracker.getLocalPort()),
                                    "kiln_connect_timeout_s", "5"),
                            command(out, "--rank", "0", "--world-size", "2"));
            System.out.println("silent tracker: " + result.stderr());
            assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
            result.assertNoStackTrace();
            assertThat(result.stderr())
                    .contains("kiln: rank 0: joining a group of 2 ranks at the tracker 127.0.0.1:")
                    .contains("kiln.distributed.timeout = 5s")
                    .doesNotContain("cannot reach");
            assertThat(out).as("no run directory before the group formed").doesNotExist();
        } finally {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void noProcessesAreRefused() {
        Path out = tmp.resolve("none");
        KilnCommand.Result result =
                KilnCommand.run(Repository.root(), command(out, "--nproc", "0"));
        assertThat(result.assertBadInput(out)).contains("kiln: --nproc must be at least 1, got 0");
    }

    /** Runs {@code bin/kiln} as a worker, with the collective's coordinates in its environment. */
    private static KilnCommand.Result worker(Map<String, String> coordinates, List<String> args)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(KilnCommand.distribution().resolve("bin/kiln").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(Repository.root().toFile());
        builder.environment().remove("KILN_JAVA_OPTS");
        coordinates.forEach(
                (key, value) ->
                        builder.environment().put(WorkerLauncher.COORDINATE_PREFIX + key, value));
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = readAll(process);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the worker did not end within 3 minutes: " + err);
        }
        return new KilnCommand.Result(process.exitValue(), out.get(), err, List.copyOf(args));
    }

    private static CompletableFuture<String> readAll(Process process) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                text.complete(
                                        new String(
                                                process.getInputStream().readAllBytes(),
                                                StandardCharsets.UTF_8));
                            } catch (IOException e) {
                                text.completeExceptionally(e);
                            }
                        },
                        "worker-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
