package dev.kiln.bench;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code soak}: SIGKILL at random moments. One uninterrupted run of the digits MLP with a
 * checkpoint every {@code --checkpoint-period} iterations gives the reference parameters; then
 * each trial starts the same run, kills it with SIGKILL after a random delay (uniform between a
 * quarter and 95% of the reference run's duration, so that it lands in steps, checkpoint writes
 * and evaluations alike; a run that finished first is started again with another delay), resumes it with {@code --resume} to the end, and counts as equal when
 * {@code model_final} is bitwise the reference's and {@code metrics.json} holds every written
 * iteration once, in order, and the same ones as the reference. Prints one line per trial on
 * standard error and {@code RESULT soak engine=<e> trials=<n> equal=<k>}.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = "Kill -9 at random moments, resume, compare with an uninterrupted run.")
final class SoakBenchmark implements Callable<Integer> {

    @Option(
            names = "--kiln",
            description = "the distribution's bin/kiln (default: ${DEFAULT-VALUE})")
    Path kiln = Path.of("cli/target/kiln/bin/kiln");

    @Option(names = "--config", description = "the run's config (default: ${DEFAULT-VALUE})")
    Path config = Path.of("examples/digits/digits-mlp.conf");

    @Option(names = "--engine", description = "PyTorch or MXNet (default: ${DEFAULT-VALUE})")
    String engine = "PyTorch";

    @Option(names = "--trials", description = "kill-and-resume trials (default: ${DEFAULT-VALUE})")
    int trials = 20;

    @Option(
            names = "--max-iter",
            description = "iterations of each run (default: ${DEFAULT-VALUE})")
    int maxIter = 2000;

    @Option(
            names = "--checkpoint-period",
            description = "iterations between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointPeriod = 25;

    @Option(names = "--seed", description = "seed of the kill moments (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("kiln-soak-");
        Path referenceDir = work.resolve("reference");
        long begin = System.nanoTime();
        int code = run(referenceDir, false, -1);
        long durationMs = (System.nanoTime() - begin) / 1_000_000;
        if (code != 0) {
            throw new IllegalStateException("the reference run failed with exit code " + code);
        }
        byte[] expected = finalParameters(referenceDir);
        List<Long> expectedIterations = metricIterations(referenceDir);
        Random random = new Random(seed);
        int equal = 0;
        for (int trial = 0; trial < trials; trial++) {
            Path dir = work.resolve("trial-" + trial);
            long delay;
            int killed;
            do {
                // the first quarter of a run is mostly the JVM's start and reading the data; a
                // run that ended before its kill (the machine was faster than for the
                // reference) is not a trial: it is done again with another moment
                delay = (long) ((0.25 + 0.7 * random.nextDouble()) * durationMs);
                FileTrees.delete(dir);
                killed = run(dir, false, delay);
            } while (killed == 0);
            String last = lastCheckpoint(dir);
            int resumed = run(dir, true, -1);
            boolean parameters = resumed == 0 && Arrays.equals(finalParameters(dir), expected);
            List<Long> iterations = metricIterations(dir);
            boolean metrics = iterations.equals(expectedIterations);
            boolean ok = parameters && metrics;
            equal += ok ? 1 : 0;
            System.err.printf(
                    Locale.ROOT,
                    "trial %d: killed after %d ms (exit %d, last checkpoint %s), resumed exit %d,"
                            + " parameters %s, metrics %s%n",
                    trial,
                    delay,
                    killed,
                    last,
                    resumed,
                    parameters ? "equal" : "DIFFERENT",
                    metrics ? "each iteration once" : describe(iterations, expectedIterations));
        }
        System.out.printf(
                Locale.ROOT, "RESULT soak engine=%s trials=%d equal=%d%n", engine, trials, equal);
        FileTrees.delete(work);
        return 0;
    }

    /**
     * Runs {@code kiln train}; with {@code killAfterMs >= 0}, kills it with SIGKILL after that
     * long (if it is still running then).
     *
     * @return the exit code
     */
    private int run(Path outputDir, boolean resume, long killAfterMs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(kiln.toString());
        command.add("train");
        command.add("--config");
        command.add(config.toString());
        command.add("--engine");
        command.add(engine);
        command.add("--output-dir");
        command.add(outputDir.toString());
        if (resume) {
            command.add("--resume");
        }
        command.add("kiln.solver.max-iter=" + maxIter);
        command.add("kiln.checkpoint.period=" + checkpointPeriod);
        command.add("kiln.writer-period=20");
        Path log = Files.createTempFile("kiln-soak-", ".log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        try {
            if (killAfterMs >= 0
                    && !process.waitFor(killAfterMs, TimeUnit.MILLISECONDS)
                    && process.isAlive()) {
                // bin/kiln execs java, so this is the JVM itself: destroyForcibly sends SIGKILL
                process.destroyForcibly();
            }
            return process.waitFor();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String lastCheckpoint(Path dir) throws IOException {
        Path last = dir.resolve("last_checkpoint");
        return Files.exists(last) ? Files.readString(last).strip() : "none";
    }

    private static byte[] finalParameters(Path dir) throws IOException {
        Path file = dir.resolve("model_final").resolve("model.safetensors");
        return Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    }

    /** The iteration of every line of {@code metrics.json}, in file order. */
    private static List<Long> metricIterations(Path dir) throws IOException {
        Path metrics = dir.resolve("metrics.json");
        List<Long> iterations = new ArrayList<>();
        if (!Files.exists(metrics)) {
            return iterations;
        }
        for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                iterations.add(
                        JsonParser.parseString(line)
                                .getAsJsonObject()
                                .get("iteration")
                                .getAsLong());
            }
        }
        return iterations;
    }

    private static String describe(List<Long> actual, List<Long> expected) {
        Set<Long> seen = new HashSet<>();
        List<Long> twice = actual.stream().filter(i -> !seen.add(i)).toList();
        return "DIFFERENT: "
                + actual.size()
                + " lines (reference "
                + expected.size()
                + ")"
                + (twice.isEmpty() ? "" : ", written twice: " + twice);
    }
}
