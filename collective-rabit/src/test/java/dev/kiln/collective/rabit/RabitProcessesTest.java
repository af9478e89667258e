package dev.kiln.collective.rabit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.collective.Coordinator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranks as worker JVMs, as the launcher will run them: a rank killed with SIGKILL, or stopped
 * with SIGSTOP, in the middle of its all-reduce loop makes the other fail with a message naming
 * the call and what happened, at once or after the timeout. A killed JVM leaves its copy of the
 * native library in its tmpdir (a JVM that exits deletes its copy).
 */
class RabitProcessesTest {

    @TempDir Path tmp;

    @Test
    void aKilledRankMakesTheOtherFailAndLeavesItsNativeLibraryBehind() throws Exception {
        try (Coordinator coordinator =
                        new RabitCollectiveProvider().coordinate(2, Duration.ofSeconds(60));
                Workers workers = new Workers(coordinator, 10)) {
            long killed = System.nanoTime();
            workers.process(1).destroyForcibly().waitFor(); // SIGKILL
            long seconds = workers.awaitSurvivor(killed);
            assertThat(workers.output(0))
                    .anySatisfy(
                            l ->
                                    assertThat(l)
                                            .startsWith("FAILED rank 0: all-reduce #")
                                            .contains("of 100,000 floats")
                                            .contains("a peer closed its connection"));
            assertThat(seconds).as("a safety net, not a speed assertion").isLessThan(30);
        }
        assertThat(nativeLibraries(tmp.resolve("rank-0")))
                .as("what the JVM that exited left in its tmpdir")
                .isEmpty();
        assertThat(nativeLibraries(tmp.resolve("rank-1")))
                .as("what the killed JVM left in its tmpdir")
                .singleElement()
                .satisfies(lib -> assertThat(Files.size(lib)).isGreaterThan(10_000_000));
    }

    @Test
    void aStoppedRankMakesTheOtherFailAfterTheTimeout() throws Exception {
        try (Coordinator coordinator =
                        new RabitCollectiveProvider().coordinate(2, Duration.ofSeconds(60));
                Workers workers = new Workers(coordinator, 3)) {
            long stopped = System.nanoTime();
            Process kill =
                    new ProcessBuilder("kill", "-STOP", Long.toString(workers.process(1).pid()))
                            .inheritIO()
                            .start();
            assertThat(kill.waitFor()).isZero();
            long seconds = workers.awaitSurvivor(stopped);
            assertThat(workers.output(0))
                    .anySatisfy(
                            l ->
                                    assertThat(l)
                                            .startsWith("FAILED rank 0: all-reduce #")
                                            .contains(
                                                    "of 100,000 floats did not complete within 3 s")
                                            .contains("its peer rank 1 is not responding"));
            assertThat(seconds).as("a safety net, not a speed assertion").isLessThan(30);
        }
    }

    /** Two worker JVMs with a tmpdir each under {@code tmp}; closing kills what still runs. */
    private final class Workers implements AutoCloseable {

        private final List<Process> processes = new ArrayList<>();
        private final List<List<String>> output =
                List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());

        Workers(Coordinator coordinator, int timeoutSeconds) throws Exception {
            CountDownLatch victimReady = new CountDownLatch(1);
            for (int rank = 0; rank < 2; rank++) {
                Path tmpdir = Files.createDirectories(tmp.resolve("rank-" + rank));
                List<String> command =
                        new ArrayList<>(
                                List.of(
                                        ProcessHandle.current().info().command().orElse("java"),
                                        "-Xmx256m",
                                        "-Djava.io.tmpdir=" + tmpdir,
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        WorkerProcess.class.getName(),
                                        Integer.toString(rank),
                                        "2",
                                        Integer.toString(timeoutSeconds)));
                coordinator.coordinates().forEach((k, v) -> command.add(k + "=" + v));
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                processes.add(p);
                List<String> lines = output.get(rank);
                boolean victim = rank == 1;
                Thread pump =
                        new Thread(
                                () -> {
                                    try (BufferedReader r =
                                            new BufferedReader(
                                                    new InputStreamReader(
                                                            p.getInputStream(),
                                                            StandardCharsets.UTF_8))) {
                                        for (String l; (l = r.readLine()) != null; ) {
                                            lines.add(l);
                                            if (victim && l.equals("READY")) {
                                                victimReady.countDown();
                                            }
                                        }
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                });
                pump.setDaemon(true);
                pump.start();
            }
            assertThat(victimReady.await(60, TimeUnit.SECONDS))
                    .as("rank 1 ready: %s", output)
                    .isTrue();
        }

        Process process(int rank) {
            return processes.get(rank);
        }

        List<String> output(int rank) {
            return output.get(rank);
        }

        /** @return the seconds from {@code since} until rank 0 exited, which it must with 3 */
        long awaitSurvivor(long since) throws InterruptedException {
            Process survivor = processes.get(0);
            assertThat(survivor.waitFor(60, TimeUnit.SECONDS)).as("%s", output).isTrue();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
            System.out.println("rank 0 exited " + millis + " ms after: " + output.get(0));
            assertThat(survivor.exitValue()).as("%s", output).isEqualTo(3);
            return TimeUnit.MILLISECONDS.toSeconds(millis);
        }

        @Override
        public void close() throws InterruptedException {
            for (Process p : processes) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static List<Path> nativeLibraries(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("libxgboost4j"))
                    .toList();
        }
    }
}
