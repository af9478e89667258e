package dev.kiln.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scaling}: the {@code cnn} of the images benchmark (fashion-cnn.conf's network on the image
 * example's folder, with its augmentation, batch 128) and the digits {@code mlp} trained by the
 * distribution with one worker and with {@code --nproc 2}, one intra-op thread per worker, in
 * interleaved rounds. Per model and worker count it prints {@code RESULT model=<m> workers=<n>
 * examples_per_s=<x> efficiency=<e> allreduce_ms_per_step=<y> bucket_mb=<z>}: the medians over
 * the rounds, the efficiency being each round's two-worker throughput over twice that round's
 * one-worker throughput.
 *
 * <p>A run's throughput is its steady state: the global batch over the median step time ({@code
 * time} in {@code metrics.json}, rank 0's) of the iterations after the first third, so that the
 * JVMs' start and their compilation of the hot code, which two JVMs pay at once on two cores,
 * are not charged to the training.
 */
@Command(
        name = "scaling",
        mixinStandardHelpOptions = true,
        description = "Throughput of kiln train with 1 and 2 worker processes.")
final class ScalingBenchmark implements Callable<Integer> {

    private static final Pattern PARAMETERS = Pattern.compile("parameters: (\\d+)");

    @Option(
            names = "--kiln",
            description = "the distribution's bin/kiln (default: ${DEFAULT-VALUE})")
    Path kiln = Path.of("cli/target/kiln/bin/kiln");

    @Option(names = "--rounds", description = "interleaved rounds (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--engine", description = "PyTorch or MXNet (default: ${DEFAULT-VALUE})")
    String engine = "PyTorch";

    private record Model(
            String name, String config, int iterations, int batchSize, List<String> settings) {}

    private static final List<Model> MODELS =
            List.of(
                    // the #10 cnn, as the images benchmark trains it: fashion-cnn.conf's network
                    // (channels [32, 64], a dense layer of 128) on the image example's folder with
                    // its augmentation, batch 128
                    new Model(
                            "cnn",
                            "examples/images/images.conf",
                            300,
                            128,
                            List.of(
                                    "kiln.model.channels=[32, 64]",
                                    "kiln.model.hidden-sizes=[128]")),
                    new Model("mlp", "examples/digits/digits-mlp.conf", 900, 64, List.of()));

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("kiln-scaling-");
        for (Model model : MODELS) {
            double[] one = new double[rounds];
            double[] two = new double[rounds];
            double[] efficiency = new double[rounds];
            double[] allreduce = new double[rounds];
            double bucketMb = 0;
            for (int r = 0; r < rounds; r++) {
                Run alone = train(model, 1, work.resolve(model.name() + "-1-" + r));
                Run pair = train(model, 2, work.resolve(model.name() + "-2-" + r));
                one[r] = alone.examplesPerSecond();
                two[r] = pair.examplesPerSecond();
                efficiency[r] = two[r] / (2 * one[r]);
                allreduce[r] = pair.allreduceMs();
                bucketMb = pair.bucketMb();
                System.err.printf(
                        Locale.ROOT,
                        "round %d %s: 1 worker %.1f ex/s, 2 workers %.1f ex/s%n",
                        r,
                        model.name(),
                        one[r],
                        two[r]);
            }
            System.out.printf(
                    Locale.ROOT,
                    "RESULT model=%s workers=1 examples_per_s=%.1f efficiency=1.000"
                            + " allreduce_ms_per_step=0.000 bucket_mb=%.3f%n",
                    model.name(),
                    median(one),
                    bucketMb);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT model=%s workers=2 examples_per_s=%.1f efficiency=%.3f"
                            + " allreduce_ms_per_step=%.3f bucket_mb=%.3f%n",
                    model.name(),
                    median(two),
                    median(efficiency),
                    median(allreduce),
                    bucketMb);
        }
        return 0;
    }

    private record Run(double examplesPerSecond, double allreduceMs, double bucketMb) {}

    private Run train(Model model, int workers, Path out) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(kiln.toString());
        command.add("train");
        command.add("--config");
        command.add(model.config());
        command.add("--engine");
        command.add(engine);
        command.add("--output-dir");
        command.add(out.toString());
        if (workers > 1) {
            command.add("--nproc");
            command.add(Integer.toString(workers));
        }
        command.add("kiln.solver.max-iter=" + model.iterations());
        command.add("kiln.solver.batch-size=" + model.batchSize());
        command.addAll(model.settings());
        command.add("kiln.hooks=[]");
        command.add("kiln.writers=[json]");
        command.add("kiln.writer-period=10");
        command.add("kiln.data.workers=1");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // one intra-op thread per worker; --nproc gives each worker its share of the cores too
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("MKL_NUM_THREADS", "1");
        builder.environment()
                .put(
                        "KILN_JAVA_OPTS",
                        "-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("training failed:\n" + output);
        }
        Matcher parameters = PARAMETERS.matcher(output);
        double bucketMb = parameters.find() ? Long.parseLong(parameters.group(1)) * 4 / 1e6 : 0;
        List<Double> times = new ArrayList<>();
        List<Double> reduces = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.json"))) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            if (row.get("iteration").getAsLong() < model.iterations() / 3) {
                continue; // the start: the JVM compiling the hot code
            }
            times.add(row.get("time").getAsDouble());
            if (row.has("allreduce_time")) {
                reduces.add(row.get("allreduce_time").getAsDouble() * 1000);
            }
        }
        if (times.isEmpty()) {
            throw new IllegalStateException("no step times in " + out.resolve("metrics.json"));
        }
        double allreduce = reduces.isEmpty() ? 0 : median(reduces);
        return new Run(model.batchSize() / median(times), allreduce, bucketMb);
    }

    private static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
