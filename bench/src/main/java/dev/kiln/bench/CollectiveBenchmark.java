package dev.kiln.bench;

import dev.kiln.collective.Collective;
import dev.kiln.collective.CollectiveProvider;
import dev.kiln.collective.Coordinator;
import dev.kiln.collective.rabit.RabitCollectiveProvider;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.KilnRabitBridge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code collective}: the cost of the rabit collective's all-reduce between worker JVMs on this
 * host. Starts the tracker, then {@code --ranks} JVMs that join and, for each size, time in turn
 * (interleaved, the same sequence on every rank): Rabit's all-reduce on a direct buffer without
 * Kiln's size guard and copies ({@code raw}), {@code Collective.allReduceSum} as a trainer would
 * call it ({@code kiln}), and the size guard alone (an all-reduce of 0 floats, {@code guard});
 * each right after an untimed guard-only call that lines the ranks up.
 * Rank 0 prints {@code RESULT op=all-reduce ranks=<n> floats=<n> raw_ms=<median> kiln_ms=<median>
 * guard_ms=<median> kiln_p90_ms=<p90>}. The workers get a tmpdir of this run, removed after (the
 * native library is copied there on each load).
 */
@Command(
        name = "collective",
        mixinStandardHelpOptions = true,
        description = "All-reduce time of the rabit collective between worker JVMs on this host.")
final class CollectiveBenchmark implements Callable<Integer> {

    @Option(names = "--ranks", description = "worker JVMs (default: ${DEFAULT-VALUE})")
    int ranks = 2;

    @Option(
            names = "--floats",
            split = ",",
            description = "buffer sizes in floats (default: ${DEFAULT-VALUE})")
    int[] sizes = {1_000, 100_000, 1_000_000, 10_000_000};

    @Option(
            names = "--iterations",
            description = "timed calls per size (default: ${DEFAULT-VALUE})")
    int iterations = 50;

    @Option(names = "--worker-rank", hidden = true)
    int workerRank = -1;

    @Option(names = "--coordinate", hidden = true)
    Map<String, String> coordinates = new LinkedHashMap<>();

    private final CollectiveProvider provider = new RabitCollectiveProvider();

    @Override
    public Integer call() throws Exception {
        return workerRank >= 0 ? worker() : launch();
    }

    private int launch() throws Exception {
        Path tmp = Files.createTempDirectory("kiln-collective-bench");
        try (Coordinator coordinator = provider.coordinate(ranks, Duration.ofSeconds(60))) {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<Process> workers = new ArrayList<>();
            for (int rank = 0; rank < ranks; rank++) {
                List<String> command =
                        new ArrayList<>(
                                List.of(
                                        java,
                                        "-Xmx2g",
                                        "-Djava.io.tmpdir=" + tmp,
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        BenchMain.class.getName(),
                                        "collective",
                                        "--worker-rank=" + rank,
                                        "--ranks=" + ranks,
                                        "--iterations=" + iterations,
                                        "--floats="
                                                + String.join(
                                                        ",",
                                                        Arrays.stream(sizes)
                                                                .mapToObj(Integer::toString)
                                                                .toList())));
                coordinator
                        .coordinates()
                        .forEach((k, v) -> command.add("--coordinate=" + k + "=" + v));
                workers.add(new ProcessBuilder(command).inheritIO().start());
            }
            int failed = 0;
            for (Process p : workers) {
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                }
                failed += p.exitValue() == 0 ? 0 : 1;
            }
            return failed == 0 ? 0 : 1;
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private int worker() throws Exception {
        try (Collective c = provider.join(coordinates, workerRank, ranks, Duration.ofSeconds(60))) {
            for (int n : sizes) {
                ByteBuffer bytes = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
                FloatBuffer floats = bytes.asFloatBuffer();
                FloatBuffer empty =
                        ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                int warmup = 5;
                double[] raw = new double[iterations];
                double[] kiln = new double[iterations];
                double[] guard = new double[iterations];
                for (int it = -warmup; it < iterations; it++) {
                    // Each timed call starts right after an untimed guard-only call, which lines
                    // the ranks up, so that no figure includes another rank's lag.
                    fill(floats, n);
                    c.allReduceSum(empty, 0);
                    long t0 = System.nanoTime();
                    KilnRabitBridge.allReduce(
                            bytes, n, KilnRabitBridge.FLOAT32, KilnRabitBridge.SUM);
                    long t1 = System.nanoTime();
                    fill(floats, n);
                    c.allReduceSum(empty, 0);
                    long t2 = System.nanoTime();
                    c.allReduceSum(floats, n);
                    long t3 = System.nanoTime();
                    c.allReduceSum(empty, 0);
                    long t4 = System.nanoTime();
                    c.allReduceSum(empty, 0);
                    long t5 = System.nanoTime();
                    if (floats.get(n - 1) != ranks * (float) ((n - 1) % 1024)) {
                        throw new IllegalStateException("wrong sum at " + (n - 1));
                    }
                    if (it >= 0) {
                        raw[it] = (t1 - t0) / 1e6;
                        kiln[it] = (t3 - t2) / 1e6;
                        guard[it] = (t5 - t4) / 1e6;
                    }
                }
                if (workerRank == 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "RESULT op=all-reduce ranks=%d floats=%d raw_ms=%.3f kiln_ms=%.3f"
                                    + " guard_ms=%.3f kiln_p90_ms=%.3f%n",
                            ranks,
                            n,
                            quantile(raw, 0.5),
                            quantile(kiln, 0.5),
                            quantile(guard, 0.5),
                            quantile(kiln, 0.9));
                    System.out.flush();
                }
            }
        }
        return 0;
    }

    private static void fill(FloatBuffer b, int n) {
        for (int i = 0; i < n; i++) {
            b.put(i, i % 1024);
        }
    }

    private static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) (s.length * q))];
    }
}
