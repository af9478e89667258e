package dev.kiln.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code kiln-bench.jar}: {@code java -jar bench/target/kiln-bench.jar overhead} (or
 * {@code checkpoint}, {@code writers}, {@code images}, {@code collective}, {@code scaling}, {@code
 * soak}, {@code long-run}; {@code bench/soak.sh} runs the last two for both engines).
 * Each benchmark prints one {@code RESULT ...} line per measurement on standard output; logs go to
 * standard error.
 */
@Command(
        name = "kiln-bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            OverheadBenchmark.class,
            CheckpointBenchmark.class,
            WritersBenchmark.class,
            ImagesBenchmark.class,
            ImageFolderWriter.class,
            CollectiveBenchmark.class,
            ScalingBenchmark.class,
            SoakBenchmark.class,
            LongRunBenchmark.class
        },
        description = "Kiln's benchmarks.")
public final class BenchMain {

    private BenchMain() {}

    /**
     * Runs a benchmark.
     *
     * @param args the benchmark's name and options
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
