package dev.kiln.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Spark application on Spark's {@code local-cluster} master with two executors (separate
 * JVMs, one core each; one SparkContext for every case): two workers as barrier tasks end with a
 * {@code model_final} bitwise equal to {@code kiln train --nproc 2}, on both engines; a worker
 * killed with SIGKILL after a checkpoint fails the stage, Spark retries it with a fresh tracker,
 * the workers resume, and the run ends bitwise equal to an uninterrupted one; a tracker address
 * that is not the driver's is refused with one message and exit code 2 before anything starts; a
 * worker's bad input on its executor ends the job with exit code 2 instead of four attempts.
 */
class KilnSparkIT {

    private static final Map<String, byte[]> NPROC = new ConcurrentHashMap<>();
    private static SparkContext spark;

    /** Logback, of the two SLF4J providers on the class path (Kiln's; Spark's is log4j). */
    private static final String SLF4J_PROVIDER =
            "slf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider";

    @TempDir static Path shared;
    @TempDir Path tmp;

    @BeforeAll
    static void startSpark() {
        SparkConf conf =
                new SparkConf()
                        .setMaster("local-cluster[2,1,2048]")
                        .setAppName("kiln-spark-it")
                        .set("spark.jars", System.getProperty("kiln.spark.jar"))
                        .set(SparkWorkers.KILN_HOME, KilnCommand.distribution().toString())
                        .set("spark.ui.enabled", "false")
                        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "120");
        spark = new SparkContext(conf);
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static Path repository() {
        return Path.of(System.getProperty("kiln.repo")).toAbsolutePath().normalize();
    }

    /** The arguments of {@code kiln train} for the digits quickstart, a few hundred iterations. */
    private static List<String> trainArguments(Path outputDir, String engine) {
        return List.of(
                "--config",
                repository().resolve("examples/digits/digits-mlp.conf").toString(),
                "--engine",
                engine,
                "--output-dir",
                outputDir.toString(),
                // the test's working directory is spark/, the config's data path the repository's
                "kiln.data.train.path=" + repository().resolve("examples/digits/digits.csv.gz"),
                "kiln.solver.max-iter=300",
                "kiln.checkpoint.period=50",
                "kiln.writer-period=10");
    }

    private static int spark(Path outputDir, String engine) {
        List<String> args = new ArrayList<>(List.of("--workers", "2"));
        args.addAll(trainArguments(outputDir, engine));
        return KilnSpark.run(args.toArray(String[]::new));
    }

    private static byte[] finalParameters(Path outputDir) throws IOException {
        return Files.readAllBytes(outputDir.resolve("model_final").resolve("model.safetensors"));
    }

    /** {@code model_final} of {@code kiln train --nproc 2}, once per engine. */
    private static byte[] nproc(String engine) {
        return NPROC.computeIfAbsent(
                engine,
                e -> {
                    Path out = shared.resolve("nproc-" + e);
                    List<String> args = new ArrayList<>(List.of("train"));
                    args.addAll(trainArguments(out, e));
                    args.addAll(List.of("--nproc", "2"));
                    KilnCommand.Result result =
                            KilnCommand.run(
                                    KilnCommand.distribution(),
                                    repository(),
                                    Duration.ofMinutes(3),
                                    args);
                    assertThat(result.exitCode()).as(result.describe()).isZero();
                    try {
                        return finalParameters(out);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void twoBarrierTasksTrainBitwiseAsTwoLocalProcesses(String engine) throws Exception {
        Path out = tmp.resolve("spark");
        assertThat(spark(out, engine)).isZero();
        assertThat(Arrays.equals(finalParameters(out), nproc(engine)))
                .as("model_final of local-cluster with 2 executors and of --nproc 2, %s", engine)
                .isTrue();
    }

    @Test
    void aKilledWorkerFailsTheStageAndTheRetriedStageResumesBitwise() throws Exception {
        Path out = tmp.resolve("killed");
        Files.createDirectories(out);
        CompletableFuture<Integer> run = new CompletableFuture<>();
        Thread driver =
                new Thread(
                        () -> {
                            try {
                                run.complete(spark(out, "PyTorch"));
                            } catch (Throwable t) {
                                run.completeExceptionally(t);
                            }
                        },
                        "kiln-spark-driver");
        driver.start();

        awaitFile(out.resolve("last_checkpoint"), run);
        ProcessHandle victim = worker(out, 1).orElseThrow();
        assertThat(victim.destroyForcibly()).isTrue();

        assertThat(run.get(4, TimeUnit.MINUTES)).isZero();
        String log = Files.readString(out.resolve("log.txt"));
        assertThat(log).contains("Resuming from checkpoint");
        assertThat(out.resolve("model_final")).isDirectory();
        assertThat(Arrays.equals(finalParameters(out), nproc("PyTorch")))
                .as("retried after a SIGKILL and resumed, vs uninterrupted")
                .isTrue();
    }

    @Test
    void aTrackerAddressThatIsNotTheDriversIsRefusedBeforeAnythingStarts() throws Exception {
        Path out = tmp.resolve("refused");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("--add-opens") || option.startsWith("-D")) {
                command.add(option);
            }
        }
        command.add("-D" + SLF4J_PROVIDER);
        command.add("-Dslf4j.internal.verbosity=WARN");
        command.add("-Dkiln.home=" + KilnCommand.distribution());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KilnSpark.class.getName());
        List<String> args = new ArrayList<>(List.of("--workers", "2"));
        args.addAll(trainArguments(out, "PyTorch"));
        args.add("kiln.distributed.host=203.0.113.7");
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(repository().toFile()).start();
        process.getOutputStream().close();
        CompletableFuture<String> stdout = read(process.getInputStream());
        CompletableFuture<String> stderr = read(process.getErrorStream());
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        KilnCommand.Result result =
                new KilnCommand.Result(process.exitValue(), stdout.get(), stderr.get(), args);
        assertThat(result.assertBadInput(out))
                .contains(
                        ": kiln.distributed.host: 203.0.113.7 is not"
                                + " an address of this machine, so the collective's tracker cannot"
                                + " listen there and would be unreachable for the workers");
    }

    @Test
    void aWorkersBadInputOnItsExecutorStopsTheJobWithoutRetries() {
        Path out = tmp.resolve("no-data");
        List<String> args = new ArrayList<>(List.of("--workers", "2"));
        args.addAll(trainArguments(out, "PyTorch"));
        // read by the workers only, from the driver's working directory (spark/): not there
        args.add("kiln.data.train.path=examples/digits/digits.csv.gz");
        assertThat(KilnSpark.run(args.toArray(String[]::new)))
                .as("exit code 2 at once, not 1 after Spark's four attempts")
                .isEqualTo(2);
    }

    /** Waits until the file exists, or the run ended. */
    private static void awaitFile(Path file, CompletableFuture<Integer> run) throws Exception {
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            while (!Files.exists(file)) {
                assertThat(run).as("the run ended before %s was written", file).isNotDone();
                WatchKey key = watch.poll(1, TimeUnit.MINUTES);
                assertThat(key).as("%s within a minute", file).isNotNull();
                key.pollEvents();
                key.reset();
            }
        } catch (ClosedWatchServiceException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JVM of the worker with this rank writing to the run directory. */
    private static Optional<ProcessHandle> worker(Path outputDir, int rank) {
        return ProcessHandle.allProcesses()
                .filter(
                        p -> {
                            String line = p.info().commandLine().orElse("");
                            return line.contains("dev.kiln.cli.KilnMain")
                                    && line.contains(outputDir.toString())
                                    && line.contains("--rank " + rank);
                        })
                .findFirst();
    }

    private static CompletableFuture<String> read(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader =
                new Thread(
                        () -> {
                            try (stream) {
                                text.complete(
                                        new String(stream.readAllBytes(), StandardCharsets.UTF_8));
                            } catch (IOException e) {
                                text.completeExceptionally(e);
                            }
                        });
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
