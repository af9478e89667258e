package dev.kiln.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.kiln.core.data.CsvDataset;
import dev.kiln.core.data.SampledBatchSource;
import dev.kiln.core.data.TrainingSampler;
import dev.kiln.core.events.ConsoleWriter;
import dev.kiln.core.model.Mlp;
import dev.kiln.core.optim.Sgd;
import dev.kiln.core.runtime.Engines;
import dev.kiln.data.BatchSource;
import dev.kiln.data.HostTable;
import dev.kiln.data.TrainingBatch;
import dev.kiln.events.EventStorage;
import dev.kiln.events.EventWriter;
import dev.kiln.runtime.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A complete training loop written only with Kiln's parts, without any trainer (the counterpart of
 * detectron2's {@code plain_train_net.py}): the digits data through a seeded sampler with
 * prefetching, an MLP, Kiln's SGD with a step decay of the learning rate, an {@link EventStorage}
 * and the console writer; then the accuracy on the held-out split, printed as {@code
 * test_accuracy=<x>}.
 */
@Command(
        name = "plain-train-loop",
        mixinStandardHelpOptions = true,
        description = "Trains an MLP on the digits data with a hand-written loop.")
public final class PlainTrainLoop implements Callable<Integer> {

    @Option(names = "--engine", description = "PyTorch or MXNet (default: ${DEFAULT-VALUE})")
    String engineName = "PyTorch";

    @Option(
            names = "--data",
            description = "the digits CSV (default: examples/digits/digits.csv.gz)")
    Path data;

    @Option(names = "--max-iter", description = "iterations (default: ${DEFAULT-VALUE})")
    int maxIter = 2000;

    @Option(names = "--batch-size", description = "rows per batch (default: ${DEFAULT-VALUE})")
    int batchSize = 64;

    @Option(names = "--lr", description = "base learning rate (default: ${DEFAULT-VALUE})")
    float baseLr = 0.05f;

    @Option(names = "--seed", description = "seed of everything random (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(
            names = "--writer-period",
            description = "iterations between progress lines (default: ${DEFAULT-VALUE})")
    int writerPeriod = 100;

    /**
     * Runs the loop.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        int code = new CommandLine(new PlainTrainLoop()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() {
        System.out.printf(Locale.ROOT, "test_accuracy=%.4f%n", train());
        return 0;
    }

    /**
     * Trains, then measures the model on the held-out split.
     *
     * @return the top-1 accuracy on the held-out split
     */
    public double train() {
        Engine engine = Engines.byName(engineName);
        Seeds seeds = Seeds.of(seed).engine(engine);
        CsvDataset.Split split =
                CsvDataset.builder()
                        .setPath(dataFile())
                        .optScaling("standardize")
                        .optTestFraction(0.2)
                        .optSplitSeed(seeds.derive("split"))
                        .setSampling(batchSize, true)
                        .buildSplit();
        CsvDataset train = split.train();

        try (NDManager manager = engine.newBaseManager()) {
            Block model = Mlp.builder().hiddenSizes(256, 256).outputSize(10).build();
            model.initialize(manager, DataType.FLOAT32, new Shape(batchSize, train.featureCount()));
            ParameterStore parameterStore = new ParameterStore(manager, false);
            Sgd optimizer = Sgd.builder().learningRate(baseLr).momentum(0.9f).build();
            Loss loss = Loss.softmaxCrossEntropyLoss();

            EventStorage storage = new EventStorage();
            List<EventWriter> writers = List.of(new ConsoleWriter(maxIter));
            TrainingSampler sampler =
                    new TrainingSampler(train.rowCount(), true, seeds.derive("sampler"));
            try (EventStorage.Scope active = storage.activate();
                    BatchSource batches = new SampledBatchSource(train, sampler, batchSize)) {
                for (int iter = 0; iter < maxIter; iter++) {
                    storage.setIter(iter);
                    // Step decay: a tenth of the rate for the last quarter of the run.
                    optimizer.setLearningRate(iter < maxIter * 3 / 4 ? baseLr : baseLr / 10);
                    long start = System.nanoTime();
                    try (NDManager step = manager.newSubManager()) {
                        TrainingBatch batch = batches.next(step);
                        double dataTime = (System.nanoTime() - start) / 1e9;
                        float lossValue;
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            NDArray l =
                                    loss.evaluate(
                                            batch.labels(),
                                            model.forward(parameterStore, batch.data(), true));
                            lossValue = l.getFloat();
                            if (!Float.isFinite(lossValue)) {
                                throw new IllegalStateException(
                                        "loss is " + lossValue + " at iteration " + iter);
                            }
                            collector.backward(l);
                        }
                        optimizer.step(model.getParameters());
                        storage.putScalar("data_time", dataTime);
                        storage.putScalar("total_loss", lossValue);
                    }
                    storage.putScalar("time", (System.nanoTime() - start) / 1e9);
                    storage.putScalar("lr", optimizer.getLearningRate(), false);
                    if ((iter + 1) % writerPeriod == 0 || iter == maxIter - 1) {
                        writers.forEach(w -> w.write(storage));
                    }
                }
            } finally {
                writers.forEach(EventWriter::close);
            }
            return accuracy(model, parameterStore, manager, split.test());
        }
    }

    /** Top-1 accuracy of the model on every row of a table, in batches. */
    private double accuracy(Block model, ParameterStore ps, NDManager manager, HostTable table) {
        int rows = table.rowCount();
        int features = table.featureCount();
        long correct = 0;
        for (int from = 0; from < rows; from += batchSize) {
            int n = Math.min(batchSize, rows - from);
            float[] x = new float[n * features];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                table.copyFeatures(from + i, x, i * features);
                y[i] = table.label(from + i);
            }
            try (NDManager batch = manager.newSubManager()) {
                NDArray input = batch.create(x, new Shape(n, features));
                NDArray predicted =
                        model.forward(ps, new NDList(input), false)
                                .singletonOrThrow()
                                .argMax(1)
                                .toType(DataType.FLOAT32, false);
                correct +=
                        (long)
                                predicted
                                        .eq(batch.create(y))
                                        .toType(DataType.FLOAT32, false)
                                        .sum()
                                        .getFloat();
            }
        }
        return (double) correct / rows;
    }

    /** The data file: the option, else the digits data of this folder or of the repository. */
    private Path dataFile() {
        if (data != null) {
            return data;
        }
        String examplesDir = System.getProperty("kiln.examples.dir");
        for (Path candidate :
                List.of(
                        examplesDir == null
                                ? Path.of("digits/digits.csv.gz")
                                : Path.of(examplesDir, "digits/digits.csv.gz"),
                        Path.of("examples/digits/digits.csv.gz"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new CommandLine.ParameterException(
                new CommandLine(this), "no digits data found; pass --data PATH");
    }
}
