package dev.kiln.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.data.DataFormatException;
import dev.kiln.data.image.HostImage;
import dev.kiln.spi.SettingsException;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageFolderDatasetTest {

    @TempDir Path tmp;

    /** Writes a grey image whose pixel (y, x) is {@code values[y * width + x]}. */
    static Path grey(Path file, int width, int[] values, String format) throws IOException {
        int height = values.length / width;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setPixels(0, 0, width, height, values);
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(image, format, file.toFile())).isTrue();
        return file;
    }

    /** Writes an RGB image whose pixels are the given 0xRRGGBB values. */
    static Path rgb(Path file, int width, int[] colours, String format) throws IOException {
        int height = colours.length / width;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, colours, 0, width);
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(image, format, file.toFile())).isTrue();
        return file;
    }

    /**
     * Writes two classes of 8x8 grey images, {@code perClass} each: class "dark" with values
     * around 40, class "light" around 200.
     */
    static Path twoClasses(Path root, int perClass) throws IOException {
        Random random = new Random(1);
        for (int i = 0; i < perClass; i++) {
            for (String name : List.of("dark", "light")) {
                int base = name.equals("dark") ? 40 : 200;
                int[] values = new int[64];
                for (int p = 0; p < 64; p++) {
                    values[p] = base + random.nextInt(31) - 15;
                }
                grey(root.resolve(name).resolve(i + ".png"), 8, values, "png");
            }
        }
        return root;
    }

    @Test
    void classesAreTheSortedFolderNamesAndOtherFilesAreIgnored() throws IOException {
        grey(tmp.resolve("b/2.png"), 1, new int[] {1}, "png");
        grey(tmp.resolve("b/1.PNG"), 1, new int[] {2}, "png");
        grey(tmp.resolve("a/x.bmp"), 1, new int[] {3}, "bmp");
        Files.writeString(tmp.resolve("a/notes.txt"), "not an image");
        Files.createDirectories(tmp.resolve(".cache"));

        ImageFolder folder = ImageFolder.scan(tmp);

        assertThat(folder.classes()).containsExactly("a", "b");
        assertThat(folder.files())
                .containsExactly(
                        tmp.resolve("a/x.bmp"), tmp.resolve("b/1.PNG"), tmp.resolve("b/2.png"));
        assertThat(folder.labels()).containsExactly(0, 1, 1);
        assertThat(folder.ignored()).isEqualTo(1);
    }

    @Test
    void greyImagesDecodeToTheirStoredValues() throws IOException {
        int[] values = {0, 51, 102, 153, 204, 255};
        for (String format : List.of("png", "bmp")) {
            Path file = grey(tmp.resolve("g." + format), 3, values, format);

            HostImage one = ImageFiles.decode(file, 1);
            HostImage three = ImageFiles.decode(file, 3);

            float[] expected = new float[6];
            for (int i = 0; i < 6; i++) {
                expected[i] = values[i] / 255f;
            }
            assertThat(one.shape().toShape()).isEqualTo(new Shape(1, 2, 3));
            assertThat(one.pixels()).as(format).containsExactly(expected);
            float[] repeated = new float[18];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(expected, 0, repeated, c * 6, 6);
            }
            assertThat(three.pixels()).as(format).containsExactly(repeated);
        }
    }

    @Test
    void colourImagesDecodeToChannelsOrToLuma() throws IOException {
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0x336699};
        Path file = rgb(tmp.resolve("c.png"), 2, colours, "png");

        HostImage three = ImageFiles.decode(file, 3);
        HostImage one = ImageFiles.decode(file, 1);

        float m = 255f;
        // R plane, G plane, B plane
        assertThat(three.pixels())
                .containsExactly(1, 0, 0, 0x33 / m, 0, 1, 0, 0x66 / m, 0, 0, 1, 0x99 / m);
        assertThat(one.pixels())
                .containsExactly(
                        0.299f * 255 / m,
                        0.587f * 255 / m,
                        0.114f * 255 / m,
                        (0.299f * 0x33 + 0.587f * 0x66 + 0.114f * 0x99) / m);
    }

    @Test
    void aPaletteGifDecodesToItsColours() throws IOException {
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0xFF00FF};
        Path file = rgb(tmp.resolve("p.gif"), 3, colours, "gif");

        HostImage three = ImageFiles.decode(file, 3);

        BufferedImage read = ImageIO.read(file.toFile());
        assertThat(read.getColorModel()).isInstanceOf(java.awt.image.IndexColorModel.class);
        float[] expected = new float[18];
        for (int i = 0; i < 6; i++) {
            int p = read.getRGB(i % 3, i / 3);
            expected[i] = ((p >>> 16) & 0xFF) / 255f;
            expected[6 + i] = ((p >>> 8) & 0xFF) / 255f;
            expected[12 + i] = (p & 0xFF) / 255f;
        }
        assertThat(three.shape().toShape()).isEqualTo(new Shape(3, 2, 3));
        assertThat(three.pixels()).containsExactly(expected);
    }

    @Test
    void aJpegDecodesToNearlyItsValues() throws IOException {
        int[] values = new int[64];
        Arrays.fill(values, 128);
        Path file = grey(tmp.resolve("j.jpg"), 8, values, "jpg");

        HostImage image = ImageFiles.decode(file, 1);

        assertThat(image.shape().toShape()).isEqualTo(new Shape(1, 8, 8));
        for (float v : image.pixels()) {
            assertThat(v).isCloseTo(128 / 255f, org.assertj.core.data.Offset.offset(2 / 255f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRecordIsTheTransformedImageAndItsClass(String engine) throws IOException {
        twoClasses(tmp.resolve("data"), 3);
        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(1)
                        .set("kiln.data.train.type", "image-folder")
                        .set("kiln.data.train.path", tmp.resolve("data").toString())
                        .set("kiln.data.train.channels", 1)
                        .set("kiln.data.train.test-fraction", 0)
                        .override("kiln.data.train.transforms = [{type = center-crop, size = 6}]")
                        .train();
        assertThat(run.history("total_loss").values()).hasSize(1);
        ImageFolderDataset data =
                loadTrain(tmp.resolve("data"), "[{type = center-crop, size = 6}]");
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Record record = data.get(manager, 4);
            assertThat(record.getData().singletonOrThrow().getShape())
                    .isEqualTo(new Shape(1, 6, 6));
            float[] expected = new float[36];
            data.copyFeatures(4, expected, 0);
            assertThat(record.getData().singletonOrThrow().toFloatArray())
                    .containsExactly(expected);
            // files sorted by name within a class: dark/0, dark/1, dark/2, light/0, light/1, ...
            assertThat(data.file(4)).isEqualTo(tmp.resolve("data/light/1.png"));
            assertThat(record.getLabels().singletonOrThrow().getFloat()).isEqualTo(1f);
        }
    }

    @Test
    void randomTransformsDependOnlyOnTheSeed() throws IOException {
        twoClasses(tmp.resolve("data"), 2);
        ImageFolderDataset data =
                loadTrain(
                        tmp.resolve("data"),
                        "[{type = random-crop, size = 8, padding = 2}, {type = random-flip}]");
        assertThat(data.isRandomized()).isTrue();
        float[] first = new float[64];
        float[] again = new float[64];
        data.copyFeatures(1, 12345L, first, 0);
        data.copyFeatures(1, 12345L, again, 0);
        assertThat(again).containsExactly(first);
        boolean differs = false;
        for (long seed = 0; seed < 10 && !differs; seed++) {
            float[] other = new float[64];
            data.copyFeatures(1, seed, other, 0);
            differs = !Arrays.equals(other, first);
        }
        assertThat(differs).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsWithAugmentationAndEvaluatesOnTheHeldOutSplit(String engine) throws IOException {
        twoClasses(tmp.resolve("data"), 16);
        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(40)
                        .withDefaults()
                        .set("kiln.solver.batch-size", 8)
                        .set("kiln.data.train.type", "image-folder")
                        .set("kiln.data.train.path", tmp.resolve("data").toString())
                        .set("kiln.data.train.channels", 1)
                        .set("kiln.data.train.test-fraction", 0.25)
                        .set("kiln.data.workers", 2)
                        .override(
                                "kiln.data.train.transforms = [{type = random-crop, size = 8,"
                                        + " padding = 1}, {type = random-flip}, {type = normalize,"
                                        + " mean = [0.5], std = [0.25]}]")
                        .train();

        double first = run.history("total_loss").values()[0];
        assertThat(run.history("total_loss").median(5)).isLessThan(first / 2);
        assertThat(run.config().config().getInt("kiln.data.workers")).isEqualTo(2);
    }

    @Test
    void theHeldOutSplitIsSeededAndUsesTheTransformsWithoutTheirRandomSteps() throws IOException {
        twoClasses(tmp.resolve("data"), 8);
        var run =
                TestTrainer.in(tmp)
                        .set("kiln.data.train.type", "image-folder")
                        .set("kiln.data.train.path", tmp.resolve("data").toString())
                        .set("kiln.data.train.channels", 1)
                        .set("kiln.data.train.test-fraction", 0.25)
                        .override(
                                "kiln.data.train.transforms = [{type = random-flip, p = 1},"
                                        + " {type = normalize, mean = [0.5], std = [0.5]}]")
                        .load();
        try (run;
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            ImageFolderDataset train = (ImageFolderDataset) trainer.trainData().examples();
            ImageFolderDataset heldOut = (ImageFolderDataset) trainer.testData().orElseThrow();
            assertThat(train.size()).isEqualTo(12);
            assertThat(heldOut.size()).isEqualTo(4);
            assertThat(train.isRandomized()).isTrue();
            assertThat(heldOut.isRandomized()).isFalse();
            // Held out: normalized, not flipped.
            HostImage image = ImageFiles.decode(heldOut.file(0), 1);
            float[] values = new float[64];
            heldOut.copyFeatures(0, values, 0);
            for (int i = 0; i < 64; i++) {
                assertThat(values[i]).isEqualTo((image.pixels()[i] - 0.5f) / 0.5f);
            }
        }
    }

    @Test
    void badFoldersAndImagesNameTheFileOrKey() throws IOException {
        Path empty = tmp.resolve("empty");
        grey(empty.resolve("a/1.png"), 1, new int[] {1}, "png");
        Files.createDirectories(empty.resolve("b"));
        assertThatThrownBy(() -> loadTrain(empty, "[]"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("kiln.data.train.path: class folder " + empty.resolve("b"))
                .hasMessageContaining("holds no image");

        Path noImage = tmp.resolve("noimage");
        grey(noImage.resolve("a/1.png"), 1, new int[] {1}, "png");
        Files.writeString(noImage.resolve("a/2.png"), "this is text");
        assertThatThrownBy(() -> loadTrain(noImage, "[]"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        noImage.resolve("a/2.png")
                                + ": is not an image in a format ImageIO reads (PNG, JPEG, BMP,"
                                + " GIF)");

        Path sizes = tmp.resolve("sizes");
        grey(sizes.resolve("a/1.png"), 2, new int[] {1, 2, 3, 4}, "png");
        grey(sizes.resolve("a/2.png"), 1, new int[] {1, 2}, "png");
        assertThatThrownBy(() -> loadTrain(sizes, "[]"))
                .hasMessageContaining("the images are not all of one size")
                .hasMessageContaining("add a resize");

        assertThatThrownBy(
                        () ->
                                loadTrain(
                                        sizes,
                                        "[{type = resize, size = [4, 4]}, {type = normalize, mean"
                                                + " = [0.5, 0.5, 0.5], std = [1, 1, 1]}]"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("kiln.data.train.transforms[1].mean")
                .hasMessageContaining("1 channel");
    }

    @Test
    void aCorruptImageIsReportedWhenItIsDecoded() throws IOException {
        Path data = tmp.resolve("corrupt");
        int[] values = new int[256];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 37) % 256;
        }
        Path file = grey(data.resolve("a/1.png"), 16, values, "png");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 30));

        ImageFolderDataset dataset = loadTrain(data, "[]");

        assertThatThrownBy(() -> dataset.copyFeatures(0, new float[256], 0))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ": cannot be decoded as an image");
    }

    @Test
    void aTestFolderNeedsTheTrainingClasses() throws IOException {
        twoClasses(tmp.resolve("train"), 2);
        grey(tmp.resolve("test/dark/1.png"), 8, new int[64], "png");
        grey(tmp.resolve("test/other/1.png"), 8, new int[64], "png");
        assertThatThrownBy(
                        () ->
                                TestTrainer.in(tmp)
                                        .set("kiln.data.train.type", "image-folder")
                                        .set(
                                                "kiln.data.train.path",
                                                tmp.resolve("train").toString())
                                        .set("kiln.data.test.type", "image-folder")
                                        .set("kiln.data.test.path", tmp.resolve("test").toString())
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("kiln.data.test.path: the class folders [dark, other]")
                .hasMessageContaining("[dark, light]");
    }

    /** Loads the training data of an image folder of grey images through Kiln's config. */
    private ImageFolderDataset loadTrain(Path root, String transforms) {
        var run =
                TestTrainer.in(tmp)
                        .set("kiln.data.train.type", "image-folder")
                        .set("kiln.data.train.path", root.toString())
                        .set("kiln.data.train.channels", 1)
                        .set("kiln.data.train.test-fraction", 0)
                        .override("kiln.data.train.transforms = " + transforms)
                        .load();
        try (run;
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            return (ImageFolderDataset) trainer.trainData().examples();
        }
    }
}
