package dev.kiln.bench;

import ai.djl.Model;
import ai.djl.basicdataset.cv.classification.ImageFolder;
import ai.djl.engine.Engine;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.transform.RandomFlipLeftRight;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.RandomSampler;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Transform;
import ai.djl.translate.TranslateException;
import ai.djl.util.RandomUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code easytrain} way of {@link ImagesBenchmark}: DJL's own data path and trainer. DJL's
 * {@code ImageFolder} (basicdataset) reads the same folder of PNGs (ImageIO through DJL's {@code
 * ImageFactory}, grey), DJL's transforms augment each image as an NDArray (a zero pad of 2 and a
 * random 28x28 crop, {@code RandomFlipLeftRight}, {@code ToTensor}, then {@code (v - 0.286) /
 * 0.353} as NDArray operations: DJL's {@code Normalize} and {@code NDImageUtils.normalize} make
 * three channels of every image), DJL's
 * batchifier stacks them, and {@code EasyTrain.fit} trains the same cnn with DJL's SGD and its
 * default logging listeners. With {@code workers} above 0 the trainer gets an executor of that
 * many threads (DJL's {@code optExecutorService}), so whole batches are loaded on them ahead of
 * the training thread, {@code 2 * workers} at a time; with 0, DJL's default, each batch is loaded
 * on the training thread when it is needed.
 *
 * <p>DJL has no transform for torchvision's {@code RandomCrop(size, padding)} ({@code
 * RandomResizedCrop} rescales; {@code Pad} pads to a square), so {@link PadRandomCrop} builds one
 * from NDArray operations and {@code NDImageUtils.crop}. DJL 0.36's {@code RandomFlipLeftRight}
 * computes the flipped image but returns its input unflipped; it is used as it is, as DJL's own
 * step, so its cost is in the measurement although its effect is not.
 *
 * <p>Each {@code fit} epoch is one round: the dataset's sampler hands out {@code perRound}
 * batches per epoch, drawn from random permutations of the whole folder (a batch never straddles
 * two of them), so EasyTrain runs whole epochs of the round's length.
 */
final class DjlImageFolderWay implements Way {

    private final Model model;
    private final Trainer trainer;
    private final ImageFolder dataset;
    private final ExecutorService executor;
    private final int perRound;

    /**
     * @param engine the engine
     * @param folder the image folder, one subfolder per class
     * @param perRound the iterations of one round, each {@code fit} epoch's length
     * @param workers the loading threads, 0 to load on the training thread
     * @throws IOException if the folder cannot be listed
     * @throws TranslateException if DJL cannot prepare the dataset
     */
    DjlImageFolderWay(Engine engine, Path folder, int perRound, int workers)
            throws IOException, TranslateException {
        this.perRound = perRound;
        engine.setRandomSeed(1);
        executor = workers > 0 ? Executors.newFixedThreadPool(workers, daemon()) : null;
        ImageFolder.Builder builder =
                ImageFolder.builder()
                        .setRepositoryPath(folder)
                        .optFlag(Image.Flag.GRAYSCALE)
                        .addTransform(
                                new PadRandomCrop(
                                        ImagesBenchmark.SIZE, ImagesBenchmark.CROP_PADDING))
                        .addTransform(new RandomFlipLeftRight())
                        .addTransform(new ToTensor())
                        // DJL's Normalize (and NDImageUtils.normalize) assumes three
                        // channels; for one, the same arithmetic in NDArray operations.
                        .addTransform(
                                array -> array.sub(ImagesBenchmark.MEAN).div(ImagesBenchmark.STD))
                        .setSampling(new RoundSampler(ImagesBenchmark.BATCH, perRound));
        if (workers > 0) {
            builder.optPrefetchNumber(2 * workers);
        }
        dataset = builder.build();
        dataset.prepare();
        model = Model.newInstance("cnn", engine.getEngineName());
        model.setBlock(ImagesBenchmark.CNN.build(ImagesBenchmark.CLASSES));
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(ImagesBenchmark.LR))
                                        .optMomentum(ImagesBenchmark.MOMENTUM)
                                        .build())
                        .addTrainingListeners(TrainingListener.Defaults.logging());
        if (executor != null) {
            config.optExecutorService(executor);
        }
        trainer = model.newTrainer(config);
        trainer.initialize(
                new Shape(ImagesBenchmark.BATCH, 1, ImagesBenchmark.SIZE, ImagesBenchmark.SIZE));
    }

    @Override
    public String mode() {
        return "easytrain";
    }

    @Override
    public long run(int n) throws Exception {
        int epochs = Math.max(1, Math.round((float) n / perRound));
        // DJL's progress bar prints to standard output; keep that for RESULT lines.
        PrintStream out = System.out;
        System.setOut(System.err);
        try {
            EasyTrain.fit(trainer, epochs, dataset, null);
        } finally {
            System.setOut(out);
        }
        OverheadBenchmark.settle(model.getBlock());
        return (long) epochs * perRound;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return task -> {
            Thread thread = new Thread(task, "djl-data-loader");
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * torchvision's {@code RandomCrop(size, padding)} in DJL's terms, on an image of (height,
     * width, channels) as DJL decodes it: the image set into a zero array {@code padding} larger
     * on every side, then a window of {@code size} at a place drawn uniformly with DJL's {@code
     * RandomUtils}, cut with {@code NDImageUtils.crop}.
     */
    static final class PadRandomCrop implements Transform {
        private final int size;
        private final int padding;

        PadRandomCrop(int size, int padding) {
            this.size = size;
            this.padding = padding;
        }

        @Override
        public NDArray transform(NDArray array) {
            Shape shape = array.getShape();
            int height = (int) shape.get(0);
            int width = (int) shape.get(1);
            NDArray padded =
                    array.getManager()
                            .zeros(
                                    new Shape(
                                            height + 2L * padding,
                                            width + 2L * padding,
                                            shape.get(2)),
                                    array.getDataType());
            padded.set(
                    new NDIndex(
                            "{}:{}, {}:{}", padding, padding + height, padding, padding + width),
                    array);
            int top = RandomUtils.nextInt(height + 2 * padding - size + 1);
            int left = RandomUtils.nextInt(width + 2 * padding - size + 1);
            return NDImageUtils.crop(padded, left, top, size, size);
        }
    }

    /**
     * Batches of random indices, {@code perRound} of them each time DJL asks for an epoch's,
     * taken in turn from random permutations of the whole dataset (DJL's {@code RandomSampler},
     * last incomplete batch dropped).
     */
    static final class RoundSampler implements Sampler {
        private final BatchSampler permutations;
        private final int batchSize;
        private final int perRound;
        private Iterator<List<Long>> current;

        RoundSampler(int batchSize, int perRound) {
            this.permutations = new BatchSampler(new RandomSampler(), batchSize, true);
            this.batchSize = batchSize;
            this.perRound = perRound;
        }

        @Override
        public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
            return new Iterator<>() {
                private int left = perRound;

                @Override
                public boolean hasNext() {
                    return left > 0;
                }

                @Override
                public List<Long> next() {
                    if (left <= 0) {
                        throw new NoSuchElementException();
                    }
                    if (current == null || !current.hasNext()) {
                        current = permutations.sample(dataset);
                    }
                    left--;
                    return current.next();
                }
            };
        }

        @Override
        public int getBatchSize() {
            return batchSize;
        }
    }
}
