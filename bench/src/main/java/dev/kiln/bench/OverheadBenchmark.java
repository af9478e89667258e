package dev.kiln.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.kiln.core.data.CsvDataset;
import dev.kiln.core.data.SampledBatchSource;
import dev.kiln.core.data.TrainingSampler;
import dev.kiln.core.events.ConsoleWriter;
import dev.kiln.core.hooks.IterationTimer;
import dev.kiln.core.hooks.PeriodicWriter;
import dev.kiln.core.model.Mlp;
import dev.kiln.core.optim.Sgd;
import dev.kiln.train.LambdaHook;
import dev.kiln.train.LossFunction;
import dev.kiln.train.SimpleTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures what Kiln's trainer costs over the limit: the same MLP (64-256-256-10, batch 64, SGD
 * with momentum 0.9, lr 0.05) on the digits data, trained three ways per engine in one JVM, their
 * timed iterations interleaved in rounds so that a noisy machine affects all alike (the trainer
 * runs once from start to end, as in a real run, and the other two ways run their rounds between
 * its rounds, from a last hook whose time is not counted):
 *
 * <ul>
 *   <li>{@code hand}: a hand-written DJL loop over batches made into NDArrays beforehand, with the
 *       same optimizer (the limit: no sampling, no batch creation, no hooks, no storage);
 *   <li>{@code simple}: {@link SimpleTrainer} fed by the prefetching sampler, with the iteration
 *       timer and the periodic writer driving the console writer;
 *   <li>{@code easytrain}: DJL's {@code EasyTrain.fit} with DJL's SGD and its default logging
 *       listeners.
 * </ul>
 *
 * Prints {@code RESULT engine=<E> mode=<m> ms_per_iter=<x> ratio_to_hand=<r>} per way, where
 * {@code ms_per_iter} is the median over the rounds and {@code ratio_to_hand} the median over the
 * rounds of the way's time in a round divided by {@code hand}'s time in the same round. Pairing
 * rounds this way cancels the machine's slow drifts, which independent medians do not; each round
 * is a whole number of writer periods, so every {@code simple} round pays for the same number of
 * console lines.
 */
@Command(
        name = "overhead",
        mixinStandardHelpOptions = true,
        description = "Trainer overhead against a hand-written loop and EasyTrain.")
final class OverheadBenchmark implements Callable<Integer> {

    private static final int BATCH = 64;
    private static final float LR = 0.05f;
    private static final float MOMENTUM = 0.9f;

    @Option(
            names = "--engines",
            split = ",",
            description = "engines to measure (default: PyTorch,MXNet)")
    List<String> engines = List.of("PyTorch", "MXNet");

    @Option(
            names = "--iterations",
            description = "timed iterations per way (default: ${DEFAULT-VALUE})")
    int iterations = 1500;

    @Option(
            names = "--warmup",
            description = "untimed iterations per way first (default: ${DEFAULT-VALUE})")
    int warmup = 1000;

    @Option(
            names = "--rounds",
            description =
                    "interleaved rounds the timed iterations are split in, each a whole number of writer periods; the median round counts (default: ${DEFAULT-VALUE})")
    int rounds = 75;

    @Option(names = "--data", description = "the digits CSV (default: ${DEFAULT-VALUE})")
    Path data = Path.of("examples/digits/digits.csv.gz");

    @Override
    public Integer call() throws Exception {
        CsvDataset.Split split =
                CsvDataset.builder()
                        .setPath(data)
                        .optScaling("standardize")
                        .optTestFraction(0.2)
                        .optSplitSeed(1)
                        .setSampling(BATCH, true, true)
                        .buildSplit();
        for (String engineName : engines) {
            measure(Engine.getEngine(engineName), split.train());
        }
        return 0;
    }

    private void measure(Engine engine, CsvDataset train) throws Exception {
        int period = PeriodicWriter.DEFAULT_PERIOD;
        int perRound = Math.max(1, iterations / rounds / period) * period;
        // Rounds start on a writer period too.
        int warm = (warmup + period - 1) / period * period;
        HandLoop hand = handLoop(engine, train);
        DjlEasyTrain easyTrain = new DjlEasyTrain(engine, train);
        List<Way> others = List.of(hand, easyTrain);
        Kiln kiln = new Kiln(engine, train, warm + (long) perRound * rounds, period);
        Map<String, List<Double>> msPerIter = new LinkedHashMap<>();
        try {
            for (Way way : others) {
                way.run(warm);
            }
            // SimpleTrainer trains once from start to end, as in a real run; every perRound of its
            // iterations (after its warm-up), a last hook times them and runs a round of the other
            // two ways, so all three share the machine's moments alike.
            long[] roundStart = {0};
            int[] round = {0};
            kiln.trainer.registerHooks(
                    LambdaHook.builder()
                            .name("interleave")
                            .afterStep(
                                    t -> {
                                        long done = t.iter() + 1 - warm;
                                        if (done < 0 || done % perRound != 0) {
                                            return;
                                        }
                                        settle(kiln.trainer.model());
                                        long now = System.nanoTime();
                                        if (done > 0) {
                                            msPerIter
                                                    .computeIfAbsent(
                                                            "simple", m -> new ArrayList<>())
                                                    .add((now - roundStart[0]) / 1e6 / perRound);
                                        }
                                        if (done < (long) perRound * rounds) {
                                            // Rotate the order every round.
                                            for (int k = 0; k < others.size(); k++) {
                                                Way way =
                                                        others.get((k + round[0]) % others.size());
                                                msPerIter
                                                        .computeIfAbsent(
                                                                way.mode(), m -> new ArrayList<>())
                                                        .add(Way.timed(way, perRound));
                                            }
                                            round[0]++;
                                        }
                                        roundStart[0] = System.nanoTime();
                                    })
                            .build());
            kiln.trainer.train(0, warm + (long) perRound * rounds);
            // Medians over rounds: a burst of load on the shared machine spoils one round, not all.
            List<Double> handRounds = msPerIter.get("hand");
            for (String mode : List.of("hand", "simple", "easytrain")) {
                List<Double> modeRounds = msPerIter.get(mode);
                List<Double> ratios = new ArrayList<>();
                for (int r = 0; r < modeRounds.size(); r++) {
                    ratios.add(modeRounds.get(r) / handRounds.get(r));
                }
                System.out.printf(
                        Locale.ROOT,
                        "RESULT engine=%s mode=%s ms_per_iter=%.4f ratio_to_hand=%.3f%n",
                        engine.getEngineName(),
                        mode,
                        median(modeRounds),
                        median(ratios));
            }
        } finally {
            hand.close();
            easyTrain.close();
            kiln.close();
        }
    }

    /**
     * Waits until every update of the model's parameters has been computed: engines such as
     * MXNet run operations asynchronously, and a round's timing must not leave its last update
     * to the round that follows.
     */
    static void settle(Block model) {
        model.getParameters().values().forEach(p -> p.getArray().toByteBuffer());
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The limit over one epoch of the digits' batches, made into arrays beforehand. */
    private static HandLoop handLoop(Engine engine, CsvDataset train) {
        engine.setRandomSeed(1);
        NDManager manager = engine.newBaseManager();
        Block model = mlp(manager, train.featureCount());
        TrainingSampler sampler = new TrainingSampler(train.rowCount(), true, 1);
        int features = train.featureCount();
        List<NDList[]> batches = new ArrayList<>();
        for (int b = 0; b < train.rowCount() / BATCH; b++) {
            float[] x = new float[BATCH * features];
            float[] y = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                int row = sampler.nextIndex();
                train.copyFeatures(row, x, i * features);
                y[i] = train.label(row);
            }
            batches.add(
                    new NDList[] {
                        new NDList(manager.create(x, new Shape(BATCH, features))),
                        new NDList(manager.create(y, new Shape(BATCH)))
                    });
        }
        return new HandLoop(engine, manager, model, batches, LR, MOMENTUM);
    }

    private static Block mlp(NDManager manager, int features) {
        Block block = Mlp.builder().hiddenSizes(256, 256).outputSize(10).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(BATCH, features));
        return block;
    }

    /** Kiln's SimpleTrainer with the sampler, the timer and the periodic console writer. */
    private static final class Kiln implements AutoCloseable {
        private final NDManager manager;
        private final SimpleTrainer trainer;

        Kiln(Engine engine, CsvDataset train, long totalIterations, int period) {
            engine.setRandomSeed(1);
            manager = engine.newBaseManager();
            Block model = mlp(manager, train.featureCount());
            SampledBatchSource source =
                    new SampledBatchSource(
                            train, new TrainingSampler(train.rowCount(), true, 1), BATCH);
            trainer =
                    new SimpleTrainer(
                            model,
                            manager,
                            LossFunction.of(Loss.softmaxCrossEntropyLoss()),
                            Sgd.builder().learningRate(LR).momentum(MOMENTUM).build(),
                            source);
            trainer.registerHooks(
                    new IterationTimer(),
                    new PeriodicWriter(List.of(new ConsoleWriter(totalIterations)), period));
        }

        @Override
        public void close() {
            trainer.data().close();
            trainer.optimizer().close();
            manager.close();
        }
    }

    /** DJL's own trainer: EasyTrain.fit over whole epochs, with the default logging listeners. */
    private static final class DjlEasyTrain implements Way {
        private final Model model;
        private final Trainer trainer;
        private final CsvDataset train;
        private final int batchesPerEpoch;

        DjlEasyTrain(Engine engine, CsvDataset train) {
            engine.setRandomSeed(1);
            this.train = train;
            model = Model.newInstance("mlp", engine.getEngineName());
            model.setBlock(Mlp.builder().hiddenSizes(256, 256).outputSize(10).build());
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(
                                    Optimizer.sgd()
                                            .setLearningRateTracker(Tracker.fixed(LR))
                                            .optMomentum(MOMENTUM)
                                            .build())
                            .addTrainingListeners(TrainingListener.Defaults.logging());
            trainer = model.newTrainer(config);
            trainer.initialize(new Shape(BATCH, train.featureCount()));
            batchesPerEpoch = train.rowCount() / BATCH;
        }

        @Override
        public String mode() {
            return "easytrain";
        }

        @Override
        public long run(int n) throws Exception {
            int epochs = Math.max(1, Math.round((float) n / batchesPerEpoch));
            // DJL's progress bar prints to standard output; keep that for RESULT lines.
            PrintStream out = System.out;
            System.setOut(System.err);
            try {
                EasyTrain.fit(trainer, epochs, train, null);
            } finally {
                System.setOut(out);
            }
            settle(model.getBlock());
            return (long) epochs * batchesPerEpoch;
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }
}
