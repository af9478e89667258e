package dev.kiln.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.train.LambdaHook;
import dev.kiln.train.TrainerView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code long-run}: one long training of the digits MLP with the config's hooks (learning-rate
 * schedule, checkpoints, evaluation) and writers, in this JVM, watching its memory: the process's
 * resident set (from {@code /proc/self/status}) and the number of NDArrays the engine holds (every
 * array of every manager under the engine's root manager). It samples both after {@code
 * --warmup} iterations (the allocators and the JIT have settled; the figures at iteration 0 say
 * little) and after the last, every tenth of the run in between (on standard error), and prints
 * {@code RESULT op=long-run engine=<e> iterations=<n> rss_mb_start=<a> rss_mb_end=<b>
 * live_arrays_start=<c> live_arrays_end=<d>}. Memory is flat when the end is the start.
 */
@Command(
        name = "long-run",
        mixinStandardHelpOptions = true,
        description = "RSS and live NDArrays over a long training of the digits MLP.")
final class LongRunBenchmark implements Callable<Integer> {

    @Option(names = "--config", description = "the run's config (default: ${DEFAULT-VALUE})")
    Path config = Path.of("examples/digits/digits-mlp.conf");

    @Option(names = "--engine", description = "PyTorch or MXNet (default: ${DEFAULT-VALUE})")
    String engine = "PyTorch";

    @Option(names = "--iterations", description = "iterations to train (default: ${DEFAULT-VALUE})")
    long iterations = 200_000;

    @Option(
            names = "--warmup",
            description = "iterations before the first sample (default: ${DEFAULT-VALUE})")
    long warmup = 2_000;

    @Override
    public Integer call() throws IOException {
        Path out = Files.createTempDirectory("kiln-long-run-");
        long[] start = new long[2];
        long[] end = new long[2];
        try (KilnRun run =
                        KilnRun.builder()
                                .configFiles(List.of(config))
                                .engine(engine)
                                .overrides(
                                        List.of(
                                                "kiln.solver.max-iter = " + iterations,
                                                "kiln.output-dir = \"" + out + "\""))
                                .load();
                DefaultTrainer kiln = new DefaultTrainer(run.config(), run.registry())) {
            kiln.setUp();
            BaseNDManager root = rootManager(kiln.engine());
            long tenth = Math.max(1, iterations / 10);
            kiln.trainer()
                    .registerHooks(
                            List.of(
                                    LambdaHook.builder()
                                            .name("memory")
                                            .afterStep(
                                                    t -> {
                                                        long done = t.iter() + 1;
                                                        if (done == warmup) {
                                                            sample(root, start);
                                                        }
                                                        if (done % tenth == 0) {
                                                            report(t, root);
                                                        }
                                                    })
                                            .afterTrain(t -> sample(root, end))
                                            .build()));
            kiln.train();
        } finally {
            FileTrees.delete(out);
        }
        System.out.printf(
                Locale.ROOT,
                "RESULT op=long-run engine=%s iterations=%d rss_mb_start=%.1f rss_mb_end=%.1f"
                        + " live_arrays_start=%d live_arrays_end=%d%n",
                engine,
                iterations,
                start[0] / 1024.0,
                end[0] / 1024.0,
                start[1],
                end[1]);
        return 0;
    }

    /** The engine's root manager, which every manager the run creates descends from. */
    private static BaseNDManager rootManager(Engine engine) {
        try (NDManager probe = engine.newBaseManager()) {
            NDManager manager = probe;
            while (manager.getParentManager() != null && manager.getParentManager() != manager) {
                manager = manager.getParentManager();
            }
            return (BaseNDManager) manager;
        }
    }

    /** Puts the resident set in KiB and the live arrays into {@code into}. */
    private static void sample(BaseNDManager root, long[] into) {
        into[0] = rssKib();
        into[1] = root.getManagedArrays().size();
    }

    private static void report(TrainerView t, BaseNDManager root) {
        long[] now = new long[2];
        sample(root, now);
        System.err.printf(
                Locale.ROOT,
                "iteration %d: rss %.1f MB, %d live arrays%n",
                t.iter() + 1,
                now[0] / 1024.0,
                now[1]);
    }

    /** @return this process's resident set size in KiB, from {@code /proc/self/status} */
    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("/proc/self/status has no VmRSS line");
    }
}
