package dev.kiln.images;

import com.typesafe.config.Config;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.LoadedData;
import dev.kiln.data.image.ImageShape;
import dev.kiln.images.transform.TransformList;
import dev.kiln.predict.PredictionInput;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset {@code image-folder}: images in a folder with one subfolder per class ({@code
 * kiln.data.train { type = image-folder, path = images/train, channels = 1, transforms = [...] }}).
 *
 * <p>Every image's header is read when the dataset is loaded, before training: a file with an
 * image extension that is not an image, an empty class folder, a transform that does not fit the
 * images, or images of several sizes that the transforms do not bring to one are reported then,
 * naming the file or key. The training data may hold out a seeded {@code test-fraction} as the
 * test split, transformed by {@code test-transforms} (by default the training transforms without
 * their random steps); a separate {@code kiln.data.test { type = image-folder, path = ... }} must
 * have the same class folders.
 *
 * <p>For prediction, the data describe how a raw image is read as their test images are (the test
 * section's transforms, or the held-out split's), for the {@code image} reader ({@link
 * ImageInputReaderProvider}), with the class folders' names as the class names.
 */
@KilnExtension(
        name = "image-folder",
        description = "images (PNG, JPEG, BMP, GIF) in a folder with one subfolder per class")
public final class ImageFolderDatasetProvider implements DatasetProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderDatasetProvider.class);

    private final Config defaults;
    private final int batchSize;
    private final Extensions extensions;
    private List<String> trainClasses;
    private Path trainRoot;

    /**
     * @param section {@code kiln.image-folder}: the defaults of the keys set next to the type
     * @param kiln the whole {@code kiln} config, for the batch size
     * @param extensions the installed extensions, for the transforms
     */
    @Inject
    public ImageFolderDatasetProvider(
            Config section, @Named("kiln") Config kiln, Extensions extensions) {
        this.defaults = section;
        this.batchSize = kiln.getInt("solver.batch-size");
        this.extensions = extensions;
    }

    @Override
    public LoadedData load(Config section, DataRole role) {
        String path = role == DataRole.TRAIN ? "kiln.data.train" : "kiln.data.test";
        Settings settings = Settings.of(section, path).withDefaults(defaults, "kiln.image-folder");
        int channels = settings.intAtLeast("channels", 1);
        if (channels != 1 && channels != 3) {
            throw settings.problem("channels", "must be 1 (grey) or 3 (RGB) but is " + channels);
        }
        double testFraction = role == DataRole.TRAIN ? settings.fraction("test-fraction") : 0;
        long splitSeed = settings.wholeNumber("split-seed");
        TransformList transforms = TransformList.create(settings, "transforms", extensions);
        TransformList heldOutTransforms =
                settings.has("test-transforms")
                        ? TransformList.create(settings, "test-transforms", extensions)
                        : transforms.withoutRandomSteps();
        ImageFolder folder = scan(settings);
        checkClasses(settings, role, folder);
        Map<ImageShape, Path> shapes = shapes(folder, channels);
        TransformedImages images =
                new TransformedImages(transforms, shapes, settings.fullKey("transforms"));
        int[] order = IntStream.range(0, folder.files().size()).toArray();
        int heldOutCount = (int) Math.round(order.length * testFraction);
        if (heldOutCount == 0) {
            ImageFolderDataset all = dataset(folder, order, channels, images, role);
            Optional<PredictionInput> input =
                    role == DataRole.TEST
                            ? Optional.of(input(channels, transforms, images.output(), folder))
                            : deterministicInput(
                                    channels, heldOutTransforms, shapes, images.output(), folder);
            return new LoadedData(
                    all, Optional.empty(), all.exampleShape(), folder.classes().size(), input);
        }
        if (heldOutCount == order.length) {
            throw settings.problem(
                    "test-fraction",
                    "holds out all " + order.length + " images; nothing would be left to train");
        }
        shuffle(order, splitSeed);
        int[] heldOutRows = Arrays.copyOfRange(order, 0, heldOutCount);
        int[] trainRows = Arrays.copyOfRange(order, heldOutCount, order.length);
        Arrays.sort(heldOutRows);
        Arrays.sort(trainRows);
        String heldOutKey =
                settings.fullKey(
                        settings.has("test-transforms") ? "test-transforms" : "transforms");
        TransformedImages heldOutImages =
                new TransformedImages(heldOutTransforms, shapes, heldOutKey);
        if (!heldOutImages.output().equals(images.output())) {
            throw settings.problem(
                    settings.has("test-transforms") ? "test-transforms" : "transforms",
                    "the held-out images come out "
                            + heldOutImages.output()
                            + " but the training images "
                            + images.output()
                            + (settings.has("test-transforms")
                                    ? ""
                                    : " (the training transforms without their random steps);"
                                            + " set test-transforms to make them "
                                            + images.output()));
        }
        ImageFolderDataset train = dataset(folder, trainRows, channels, images, role);
        ImageFolderDataset heldOut =
                dataset(folder, heldOutRows, channels, heldOutImages, DataRole.TEST);
        return new LoadedData(
                train,
                Optional.of(heldOut),
                train.exampleShape(),
                folder.classes().size(),
                Optional.of(input(channels, heldOutTransforms, images.output(), folder)));
    }

    /** How the image reader reads a raw image as the given transforms read the folder's. */
    private static PredictionInput input(
            int channels, TransformList transforms, ImageShape example, ImageFolder folder) {
        return ImageInputReaderProvider.describe(
                channels,
                null,
                ImageInputReaderProvider.DIVIDE_BY_MAX,
                transforms,
                example,
                folder.classes());
    }

    /**
     * For training data without a held-out split: the test transforms (by default the training
     * transforms without their random steps), when they make the training examples' shape from
     * every image; otherwise the dataset cannot say how a raw image is read.
     */
    private static Optional<PredictionInput> deterministicInput(
            int channels,
            TransformList transforms,
            Map<ImageShape, Path> shapes,
            ImageShape example,
            ImageFolder folder) {
        try {
            if (!new TransformedImages(transforms, shapes, "test-transforms")
                    .output()
                    .equals(example)) {
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(input(channels, transforms, example, folder));
    }

    private ImageFolderDataset dataset(
            ImageFolder folder, int[] rows, int channels, TransformedImages images, DataRole role) {
        ImageFolderDataset.Builder builder = new ImageFolderDataset.Builder();
        builder.setSampling(batchSize, role == DataRole.TRAIN);
        return new ImageFolderDataset(builder, folder, rows, channels, images);
    }

    private ImageFolder scan(Settings settings) {
        Path root = Path.of(settings.string("path"));
        ImageFolder folder;
        try {
            folder = ImageFolder.scan(root);
        } catch (IllegalArgumentException e) {
            throw settings.problem("path", e.getMessage());
        }
        LOG.info(
                "Image folder {}: {} images in {} classes{}",
                root,
                folder.files().size(),
                folder.classes().size(),
                folder.ignored() == 0
                        ? ""
                        : " (" + folder.ignored() + " files without an image extension ignored)");
        return folder;
    }

    /** Checks that a separate test folder has the training folder's classes. */
    private void checkClasses(Settings settings, DataRole role, ImageFolder folder) {
        if (role == DataRole.TRAIN) {
            trainClasses = folder.classes();
            trainRoot = folder.root();
        } else if (trainClasses != null && !trainClasses.equals(folder.classes())) {
            throw settings.problem(
                    "path",
                    "the class folders "
                            + folder.classes()
                            + " are not those of the training folder "
                            + trainRoot
                            + " "
                            + trainClasses
                            + "; a test folder needs the same class folders, so that class i"
                            + " means the same thing in both");
        }
    }

    /**
     * Reads every image's header, on every core, and returns each distinct shape with the first
     * file of that shape.
     */
    private static Map<ImageShape, Path> shapes(ImageFolder folder, int channels) {
        List<Path> files = folder.files();
        ImageShape[] shapes = new ImageShape[files.size()];
        IntStream.range(0, files.size())
                .parallel()
                .forEach(i -> shapes[i] = ImageFiles.readShape(files.get(i), channels));
        Map<ImageShape, Path> distinct = new LinkedHashMap<>();
        for (int i = 0; i < shapes.length; i++) {
            distinct.putIfAbsent(shapes[i], files.get(i));
        }
        return distinct;
    }

    private static void shuffle(int[] order, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }
}
