package dev.kiln.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.google.inject.Guice;
import com.typesafe.config.Config;
import dev.kiln.core.data.SampledBatchSource;
import dev.kiln.core.data.TrainingSampler;
import dev.kiln.core.hooks.PeriodicWriter;
import dev.kiln.core.plugin.ExtensionFactory;
import dev.kiln.core.plugin.RegistryExtensions;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.data.DataRole;
import dev.kiln.events.HistoryBuffer;
import dev.kiln.images.ImageFolderDataset;
import dev.kiln.images.ImageFolderDatasetProvider;
import dev.kiln.models.Cnn;
import dev.kiln.runtime.Seeds;
import dev.kiln.train.LambdaHook;
import dev.kiln.train.SimpleTrainer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures what Kiln's image pipeline costs a small CNN: Fashion-MNIST images written as a folder
 * of PNGs, read by the {@code image-folder} dataset with random-crop (28, padding 2), random-flip
 * (horizontal) and normalize (mean 0.286, std 0.353), training the example's cnn (channels [32,
 * 64], kernel 3, batch norm, 2x2 pooling, a dense layer of 128, dropout 0.25; batch 128, SGD with
 * momentum 0.9, lr 0.05) three ways per engine in one JVM, in interleaved rounds as {@link
 * OverheadBenchmark} does:
 *
 * <ul>
 *   <li>{@code hand}: a hand-written DJL loop over batches decoded and augmented beforehand (one
 *       epoch of them, by the same dataset and transforms), with Kiln's SGD: the limit;
 *   <li>{@code simple}: the {@link SimpleTrainer} a {@link DefaultTrainer} builds from the config,
 *       fed by {@link SampledBatchSource} with its default workers (one per core), with the
 *       iteration timer and the periodic console writer;
 *   <li>{@code easytrain}: DJL's {@code EasyTrain.fit} over DJL's own {@code ImageFolder} and
 *       transforms, with DJL's SGD (see {@link DjlImageFolderWay}).
 * </ul>
 *
 * Prints {@code RESULT engine=<E> mode=<m> images_per_s=<x> ratio_to_hand=<r>} per way ({@code
 * images_per_s} from the median time per iteration over the rounds; {@code ratio_to_hand} the
 * median over the rounds of the way's time divided by {@code hand}'s in the same round), and
 * {@code RESULT engine=<E> mode=simple data_time_fraction=<f>}: the median {@code data_time} over
 * the median step {@code time} of the timed iterations, as the trainer recorded them.
 *
 * <p>First, without any engine, {@code RESULT op=decode workers=<n> images_per_s=<x>}: decoding
 * and augmenting alone, batches gathered the way {@link SampledBatchSource} gathers them (split in
 * {@code n} contiguous runs, the calling thread copying one and pool threads the others), for one
 * worker and for one per core, in interleaved rounds.
 */
@Command(
        name = "images",
        mixinStandardHelpOptions = true,
        description =
                "Image-folder training (PNG decoding and augmentation) against a hand-written"
                        + " loop over ready batches and DJL's ImageFolder with EasyTrain.")
final class ImagesBenchmark implements Callable<Integer> {

    static final int BATCH = 128;
    static final float LR = 0.05f;
    static final float MOMENTUM = 0.9f;
    static final int CLASSES = 10;
    static final int SIZE = 28;
    static final int CROP_PADDING = 2;
    static final float MEAN = 0.286f;
    static final float STD = 0.353f;
    static final long SEED = 1;

    /** The example's network (examples/fashion-mnist/fashion-cnn.conf). */
    static final Cnn CNN = new Cnn(List.of(32, 64), 3, true, true, List.of(128), 0.25f);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** How many batches one decode measurement gathers. */
    private static final int DECODE_BATCHES_PER_ROUND = 8;

    @Option(
            names = "--data",
            description =
                    "the folder with Fashion-MNIST's train-images-idx3-ubyte.gz and"
                            + " train-labels-idx1-ubyte.gz (default: ${DEFAULT-VALUE})")
    Path data = Path.of("../shared/data/fashion-mnist");

    @Option(
            names = "--images",
            description =
                    "training images to write as PNGs, a tenth per class (default: ${DEFAULT-VALUE})")
    int images = 10_000;

    @Option(
            names = "--engines",
            split = ",",
            description = "engines to measure (default: PyTorch,MXNet)")
    List<String> engines = List.of("PyTorch", "MXNet");

    @Option(
            names = "--iterations",
            description = "timed iterations per way (default: ${DEFAULT-VALUE})")
    int iterations = 640;

    @Option(
            names = "--warmup",
            description = "untimed iterations per way first (default: ${DEFAULT-VALUE})")
    int warmup = 40;

    @Option(
            names = "--rounds",
            description =
                    "interleaved rounds the timed iterations are split in, each a whole number of"
                            + " writer periods; the median round counts (default: ${DEFAULT-VALUE})")
    int rounds = 32;

    @Option(
            names = "--decode-rounds",
            description =
                    "interleaved rounds of "
                            + DECODE_BATCHES_PER_ROUND
                            + " batches per worker count for op=decode (default: ${DEFAULT-VALUE})")
    int decodeRounds = 30;

    @Option(
            names = "--workers",
            description =
                    "kiln.data.workers of simple: the threads that gather a batch (default: unset,"
                            + " one per core)")
    Integer workers;

    @Option(
            names = "--djl-workers",
            description =
                    "threads of DJL's data loading for easytrain (the trainer's executor); 0 loads"
                            + " on the training thread, DJL's default (default: one per core)")
    int djlWorkers = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        Path temp = Files.createTempDirectory("kiln-images-bench");
        try {
            Path folder = temp.resolve("images");
            long start = System.nanoTime();
            int written =
                    ImageFolderWriter.write(
                            data.resolve("train-images-idx3-ubyte.gz"),
                            data.resolve("train-labels-idx1-ubyte.gz"),
                            folder,
                            Math.max(1, images / CLASSES),
                            0,
                            null);
            System.err.printf(
                    Locale.ROOT,
                    "wrote %d PNGs to %s in %.1f s%n",
                    written,
                    folder,
                    (System.nanoTime() - start) / 1e9);
            Path config = temp.resolve("images-bench.conf");
            Files.writeString(config, config(folder));
            measureDecode(config);
            for (String engine : engines) {
                measure(engine, config, folder);
            }
        } finally {
            deleteTree(temp);
        }
        return 0;
    }

    /** The run's config: the same network, data, transforms and solver as the other ways. */
    private static String config(Path folder) {
        return String.format(
                Locale.ROOT,
                """
                kiln {
                  seed = %d
                  model {
                    type = cnn
                    channels = %s
                    kernel = %d
                    batch-norm = %b
                    pool = %b
                    hidden-sizes = %s
                    dropout = %s
                  }
                  data.train {
                    type = image-folder
                    path = "%s"
                    channels = 1
                    test-fraction = 0
                    transforms = [
                      { type = random-crop, size = %d, padding = %d }
                      { type = random-flip, direction = horizontal }
                      { type = normalize, mean = [%s], std = [%s] }
                    ]
                  }
                  solver {
                    optimizer = sgd
                    base-lr = %s
                    momentum = %s
                    weight-decay = 0
                    batch-size = %d
                  }
                  hooks = []
                  writers = [console]
                  writer-period = %d
                }
                """,
                SEED,
                CNN.channels(),
                CNN.kernel(),
                CNN.batchNorm(),
                CNN.pool(),
                CNN.hiddenSizes(),
                CNN.dropout(),
                folder.toAbsolutePath().toString().replace("\\", "\\\\"),
                SIZE,
                CROP_PADDING,
                MEAN,
                STD,
                LR,
                MOMENTUM,
                BATCH,
                PeriodicWriter.DEFAULT_PERIOD);
    }

    private KilnRun load(Path config, String engine, long maxIter) {
        List<String> overrides = new ArrayList<>();
        overrides.add("kiln.solver.max-iter = " + maxIter);
        if (workers != null) {
            overrides.add("kiln.data.workers = " + workers);
        }
        return KilnRun.builder()
                .configFiles(List.of(config))
                .engine(engine)
                .overrides(overrides)
                .load();
    }

    // ---------------------------------------------------------------------------------------
    // op=decode

    /**
     * Times decoding and augmenting alone: the dataset made by the {@code image-folder} provider
     * from the run's config, without an engine, gathered by one thread and by one per core.
     */
    private void measureDecode(Path config) throws Exception {
        ImageFolderDataset dataset;
        try (KilnRun run = load(config, engines.get(0), 1)) {
            Config root = run.config().config();
            RegistryExtensions extensions =
                    new RegistryExtensions(
                            run.registry(), new ExtensionFactory(Guice.createInjector(), root));
            dataset =
                    (ImageFolderDataset)
                            new ImageFolderDatasetProvider(
                                            root.getConfig("kiln.image-folder"),
                                            root.getConfig("kiln"),
                                            extensions)
                                    .load(run.config().trainData(), DataRole.TRAIN)
                                    .examples();
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<Gatherer> gatherers = new ArrayList<>();
        for (int workers : cores > 1 ? List.of(1, cores) : List.of(1)) {
            gatherers.add(new Gatherer(dataset, workers));
        }
        Map<Integer, List<Double>> msPerBatch = new LinkedHashMap<>();
        try {
            // The JIT compiles ImageIO's PNG reader and the transforms; every gatherer's threads
            // make their own ImageIO reader.
            for (Gatherer gatherer : gatherers) {
                gatherer.gather(Math.max(1, 4_000 / BATCH));
                gatherer.resetCpu();
            }
            for (int round = 0; round < decodeRounds; round++) {
                for (int k = 0; k < gatherers.size(); k++) {
                    Gatherer gatherer = gatherers.get((k + round) % gatherers.size());
                    long start = System.nanoTime();
                    gatherer.gather(DECODE_BATCHES_PER_ROUND);
                    msPerBatch
                            .computeIfAbsent(gatherer.workers, w -> new ArrayList<>())
                            .add((System.nanoTime() - start) / 1e6 / DECODE_BATCHES_PER_ROUND);
                }
            }
            // Before closing: a pool thread's CPU time is known while it lives.
            for (Gatherer gatherer : gatherers) {
                System.err.printf(
                        Locale.ROOT,
                        "decode, %d workers: %.1f us of CPU per image, median %.1f ms per batch%n",
                        gatherer.workers,
                        gatherer.cpuNanosPerImage() / 1e3,
                        OverheadBenchmark.median(msPerBatch.get(gatherer.workers)));
            }
        } finally {
            gatherers.forEach(Gatherer::close);
        }
        msPerBatch.forEach(
                (workers, ms) ->
                        System.out.printf(
                                Locale.ROOT,
                                "RESULT op=decode workers=%d images_per_s=%.0f%n",
                                workers,
                                BATCH / (OverheadBenchmark.median(ms) / 1e3)));
    }

    /**
     * Gathers batches of the dataset as {@link SampledBatchSource} does, without the engine:
     * sampled rows, each with its seed of the epoch, split into {@code workers} contiguous runs,
     * the first copied by the calling thread and the others by pool threads, each row decoded and
     * augmented into a float array and put into the batch's direct buffers.
     */
    private static final class Gatherer implements AutoCloseable {
        private final ImageFolderDataset dataset;
        private final int workers;
        private final TrainingSampler sampler;
        private final long augmentSeed = Seeds.of(SEED).derive("augment");
        private final ExecutorService pool;
        private final ByteBuffer features;
        private final ByteBuffer labels;
        private final int featureCount;
        private final List<Thread> poolThreads = new CopyOnWriteArrayList<>();
        private long cpuNanos;
        private long images;

        Gatherer(ImageFolderDataset dataset, int workers) {
            this.dataset = dataset;
            this.workers = workers;
            this.sampler = new TrainingSampler(dataset.rowCount(), true, SEED);
            this.pool =
                    workers > 1
                            ? Executors.newFixedThreadPool(
                                    workers - 1,
                                    task -> {
                                        Thread thread = new Thread(task, "decode-bench");
                                        thread.setDaemon(true);
                                        poolThreads.add(thread);
                                        return thread;
                                    })
                            : null;
            this.featureCount = dataset.featureCount();
            this.features = directFloats(BATCH * featureCount);
            this.labels = directFloats(BATCH);
        }

        /** Counts CPU time and images from now on. */
        void resetCpu() {
            cpuNanos = -poolCpuNanos();
            images = 0;
        }

        /** @return the CPU time of every gathering thread per image since {@link #resetCpu} */
        double cpuNanosPerImage() {
            return (double) (cpuNanos + poolCpuNanos()) / Math.max(1, images);
        }

        private long poolCpuNanos() {
            long total = 0;
            for (Thread thread : poolThreads) {
                total += Math.max(0, THREADS.getThreadCpuTime(thread.getId()));
            }
            return total;
        }

        void gather(int batches) throws InterruptedException, ExecutionException {
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            gatherBatches(batches);
            cpuNanos += THREADS.getCurrentThreadCpuTime() - cpuStart;
            images += (long) batches * BATCH;
        }

        private void gatherBatches(int batches) throws InterruptedException, ExecutionException {
            int[] rows = new int[BATCH];
            long[] seeds = new long[BATCH];
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < BATCH; i++) {
                    rows[i] = sampler.nextIndex();
                    seeds[i] = Seeds.forExample(augmentSeed, sampler.epoch(), rows[i]);
                }
                List<Future<?>> parts = new ArrayList<>();
                for (int w = 1; w < workers; w++) {
                    int from = BATCH * w / workers;
                    int to = BATCH * (w + 1) / workers;
                    parts.add(pool.submit(() -> copyRows(rows, seeds, from, to)));
                }
                copyRows(rows, seeds, 0, BATCH / workers);
                for (Future<?> part : parts) {
                    part.get();
                }
            }
        }

        private void copyRows(int[] rows, long[] seeds, int from, int to) {
            float[] row = new float[featureCount];
            FloatBuffer featureOut = features.asFloatBuffer();
            FloatBuffer labelOut = labels.asFloatBuffer();
            for (int i = from; i < to; i++) {
                dataset.copyFeatures(rows[i], seeds[i], row, 0);
                featureOut.put(i * featureCount, row);
                labelOut.put(i, dataset.label(rows[i]));
            }
        }

        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // hand, simple, easytrain

    private void measure(String engineName, Path config, Path folder) throws Exception {
        int period = PeriodicWriter.DEFAULT_PERIOD;
        int perRound = Math.max(1, iterations / rounds / period) * period;
        // Rounds start on a writer period too.
        int warm = (warmup + period - 1) / period * period;
        long total = warm + (long) perRound * rounds;
        try (KilnRun run = load(config, engineName, total);
                DefaultTrainer kiln = new DefaultTrainer(run.config(), run.registry())) {
            kiln.setUp();
            SimpleTrainer trainer = kiln.trainer();
            Engine engine = kiln.engine();
            ImageFolderDataset train = (ImageFolderDataset) kiln.trainData().examples();
            int threads =
                    trainer.data() instanceof SampledBatchSource source ? source.workers() : -1;
            System.err.printf(
                    Locale.ROOT,
                    "%s: %d images, batch source gathering on %d threads; %d+%d iterations per"
                            + " way in %d rounds of %d%n",
                    engine.getEngineName(),
                    train.rowCount(),
                    threads,
                    warm,
                    perRound * rounds,
                    rounds,
                    perRound);
            try (HandLoop hand = handLoop(engine, train, Seeds.of(SEED).derive("augment"));
                    DjlImageFolderWay easyTrain =
                            new DjlImageFolderWay(engine, folder, perRound, djlWorkers)) {
                List<Way> others = List.of(hand, easyTrain);
                for (Way way : others) {
                    way.run(warm);
                }
                Map<String, List<Double>> msPerIter = new LinkedHashMap<>();
                List<Double> tailMs = new ArrayList<>();
                List<Long> gatheringCpu = new ArrayList<>();
                SampledBatchSource gathering = (SampledBatchSource) trainer.data();
                long[] roundStart = {0};
                int[] round = {0};
                // The trainer runs once from start to end, as in a real run; every perRound of
                // its iterations (after its warm-up), a last hook times them and runs a round of
                // the other two ways, so all three share the machine's moments alike.
                trainer.registerHooks(
                        LambdaHook.builder()
                                .name("interleave")
                                .afterStep(
                                        t -> {
                                            long done = t.iter() + 1 - warm;
                                            if (done < 0 || done % perRound != 0) {
                                                return;
                                            }
                                            // The round owes the decoding of the batches it
                                            // took: the gathering thread may still be filling
                                            // their slots, and would do so in the next way's
                                            // round.
                                            long idle = System.nanoTime();
                                            gathering.awaitIdle(Duration.ofSeconds(30));
                                            OverheadBenchmark.settle(trainer.model());
                                            long now = System.nanoTime();
                                            if (done > 0) {
                                                tailMs.add((now - idle) / 1e6);
                                            }
                                            if (done == 0 || done == (long) perRound * rounds) {
                                                gatheringCpu.add(gatheringCpuNanos());
                                            }
                                            if (done > 0) {
                                                msPerIter
                                                        .computeIfAbsent(
                                                                "simple", m -> new ArrayList<>())
                                                        .add(
                                                                (now - roundStart[0])
                                                                        / 1e6
                                                                        / perRound);
                                            }
                                            if (done < (long) perRound * rounds) {
                                                for (int k = 0; k < others.size(); k++) {
                                                    Way way =
                                                            others.get(
                                                                    (k + round[0]) % others.size());
                                                    msPerIter
                                                            .computeIfAbsent(
                                                                    way.mode(),
                                                                    m -> new ArrayList<>())
                                                            .add(Way.timed(way, perRound));
                                                }
                                                round[0]++;
                                            }
                                            roundStart[0] = System.nanoTime();
                                        })
                                .build());
                kiln.train();
                System.err.printf(
                        Locale.ROOT,
                        "%s simple: waited %.1f ms (median; max %.1f) per round for the gathering"
                                + " thread to finish the round's batches and the engine its"
                                + " last update%n",
                        engine.getEngineName(),
                        OverheadBenchmark.median(tailMs),
                        tailMs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
                double cpuMsPerStep =
                        (gatheringCpu.get(1) - gatheringCpu.get(0)) / 1e6 / (perRound * rounds);
                System.err.printf(
                        Locale.ROOT,
                        "%s simple: the batch source's threads used %.2f ms of CPU per timed step"
                                + " (%.1f us per image), %.1f%% of the %d cores' time in the"
                                + " median step%n",
                        engine.getEngineName(),
                        cpuMsPerStep,
                        cpuMsPerStep * 1e3 / BATCH,
                        100
                                * cpuMsPerStep
                                / OverheadBenchmark.median(msPerIter.get("simple"))
                                / Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().availableProcessors());
                report(engine.getEngineName(), msPerIter);
                reportDataTime(engine.getEngineName(), trainer, warm);
            }
        }
    }

    /** @return the CPU time the batch source's threads have used so far, in nanoseconds */
    private static long gatheringCpuNanos() {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("kiln-batch-")) {
                total += Math.max(0, THREADS.getThreadCpuTime(thread.getId()));
            }
        }
        return total;
    }

    private static void report(String engine, Map<String, List<Double>> msPerIter) {
        List<Double> handRounds = msPerIter.get("hand");
        for (String mode : List.of("hand", "simple", "easytrain")) {
            List<Double> modeRounds = msPerIter.get(mode);
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < modeRounds.size(); r++) {
                ratios.add(modeRounds.get(r) / handRounds.get(r));
            }
            double ms = OverheadBenchmark.median(modeRounds);
            System.err.printf(
                    Locale.ROOT,
                    "%s %s: median %.1f ms per iteration, rounds %s%n",
                    engine,
                    mode,
                    ms,
                    modeRounds.stream()
                            .map(v -> String.format(Locale.ROOT, "%.1f", v))
                            .collect(Collectors.joining(" ")));
            System.out.printf(
                    Locale.ROOT,
                    "RESULT engine=%s mode=%s images_per_s=%.1f ratio_to_hand=%.3f%n",
                    engine,
                    mode,
                    BATCH / (ms / 1e3),
                    OverheadBenchmark.median(ratios));
        }
    }

    /**
     * The median {@code data_time} over the median step {@code time} of the timed iterations (from
     * the warm-up on), as the trainer put them into its storage; the means go to the log too.
     */
    private static void reportDataTime(String engine, SimpleTrainer trainer, long warm) {
        List<Double> dataTimes = timedValues(trainer.storage().history("data_time"), warm);
        List<Double> times = timedValues(trainer.storage().history("time"), warm);
        double meanData = dataTimes.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double meanTime = times.stream().mapToDouble(Double::doubleValue).average().orElse(1);
        double[] sorted = dataTimes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.err.printf(
                Locale.ROOT,
                "%s simple: data_time median %.3f ms, p90 %.3f ms, max %.3f ms, mean %.3f ms;"
                        + " step time median %.1f ms, mean %.1f ms (mean fraction %.4f)%n",
                engine,
                OverheadBenchmark.median(dataTimes) * 1e3,
                sorted[(int) (sorted.length * 0.9)] * 1e3,
                sorted[sorted.length - 1] * 1e3,
                meanData * 1e3,
                OverheadBenchmark.median(times) * 1e3,
                meanTime * 1e3,
                meanData / meanTime);
        System.out.printf(
                Locale.ROOT,
                "RESULT engine=%s mode=simple data_time_fraction=%.4f%n",
                engine,
                OverheadBenchmark.median(dataTimes) / OverheadBenchmark.median(times));
    }

    private static List<Double> timedValues(HistoryBuffer history, long from) {
        long[] iterations = history.iterations();
        double[] values = history.values();
        List<Double> timed = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (iterations[i] >= from) {
                timed.add(values[i]);
            }
        }
        return timed;
    }

    /**
     * The limit over one epoch of batches decoded and augmented beforehand by the same dataset,
     * with each row's seed of epoch 0.
     */
    private static HandLoop handLoop(Engine engine, ImageFolderDataset train, long augmentSeed) {
        engine.setRandomSeed(1);
        NDManager manager = engine.newBaseManager();
        Block model = cnn(manager);
        TrainingSampler sampler = new TrainingSampler(train.rowCount(), true, SEED);
        int features = train.featureCount();
        Shape shape = new Shape(BATCH).addAll(train.exampleShape());
        List<NDList[]> batches = new ArrayList<>();
        for (int b = 0; b < train.rowCount() / BATCH; b++) {
            float[] x = new float[BATCH * features];
            float[] y = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                int row = sampler.nextIndex();
                train.copyFeatures(row, Seeds.forExample(augmentSeed, 0, row), x, i * features);
                y[i] = train.label(row);
            }
            batches.add(
                    new NDList[] {
                        new NDList(manager.create(x, shape)),
                        new NDList(manager.create(y, new Shape(BATCH)))
                    });
        }
        return new HandLoop(engine, manager, model, batches, LR, MOMENTUM);
    }

    /**
     * The example's network, initialized for batches of images.
     *
     * @param manager where its parameters live
     * @return the block
     */
    static Block cnn(NDManager manager) {
        Block block = CNN.build(CLASSES);
        block.initialize(manager, DataType.FLOAT32, new Shape(BATCH, 1, SIZE, SIZE));
        return block;
    }

    static ByteBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
