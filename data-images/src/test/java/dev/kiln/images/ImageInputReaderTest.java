package dev.kiln.images;

import static dev.kiln.images.ImageFolderDatasetTest.grey;
import static dev.kiln.images.ImageFolderDatasetTest.rgb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.kiln.core.plugin.ExtensionFactory;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.plugin.RegistryExtensions;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.HostTable;
import dev.kiln.data.LoadedData;
import dev.kiln.predict.InputException;
import dev.kiln.predict.InputReader;
import dev.kiln.predict.InputReaderProvider;
import dev.kiln.predict.NamedInput;
import dev.kiln.predict.PredictionInput;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.KilnExtension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code image} reader reads an image file into exactly the values the dataset's test examples
 * hold for it, after its settings went through JSON as {@code preprocessing.json} takes them.
 */
class ImageInputReaderTest {

    /** The repository's example image folder, 28x28 grey PNGs of clothing. */
    private static final Path EXAMPLE = Path.of("..", "examples", "images");

    private static Extensions extensions;

    @TempDir Path tmp;

    /** Kiln's discovery and creation of the plugin's extensions, with Extensions injectable. */
    @BeforeAll
    static void discover() {
        ExtensionRegistry registry =
                ExtensionRegistry.discover(
                        List.of(
                                ExtensionPoints.TRANSFORM,
                                ExtensionPoints.DATASET,
                                ExtensionPoints.INPUT_READER),
                        ImageInputReaderTest.class.getClassLoader(),
                        List.of());
        Extensions[] holder = new Extensions[1];
        Injector injector =
                Guice.createInjector(
                        binder ->
                                binder.bind(Extensions.class)
                                        .toProvider(
                                                (com.google.inject.Provider<Extensions>)
                                                        () -> holder[0]));
        holder[0] =
                new RegistryExtensions(
                        registry,
                        new ExtensionFactory(
                                injector, ConfigFactory.parseString("kiln.solver.batch-size = 4")));
        extensions = holder[0];
    }

    @Test
    void kilnsDiscoveryFindsTheImageReader() throws IOException {
        assertThat(
                        new String(
                                        getClass()
                                                .getResourceAsStream(
                                                        "/META-INF/services/"
                                                                + InputReaderProvider.class
                                                                        .getName())
                                                .readAllBytes())
                                .strip())
                .isEqualTo(ImageInputReaderProvider.class.getName());
        assertThat(extensions.names(ExtensionPoints.INPUT_READER)).contains("image");
        assertThat(ImageInputReaderProvider.class.getAnnotation(KilnExtension.class).name())
                .isEqualTo("image");
    }

    @Test
    void theExampleTestFolderIsReadAsItsTestExamples() {
        LoadedData test =
                load(
                        "image-folder",
                        DataRole.TEST,
                        "path = \""
                                + EXAMPLE.resolve("test")
                                + "\", channels = 1, transforms = [{ type = normalize, mean ="
                                + " [0.286], std = [0.353] }]");
        PredictionInput input = test.input().orElseThrow();

        assertThat(input.reader()).isEqualTo("image");
        assertThat(input.classNames())
                .containsExactly(
                        "ankle-boot",
                        "bag",
                        "coat",
                        "dress",
                        "pullover",
                        "sandal",
                        "shirt",
                        "sneaker",
                        "t-shirt",
                        "trouser");
        assertThat(input.settings().root().render(ConfigRenderOptions.concise()))
                .isEqualTo(
                        "{\"channels\":1,\"example-shape\":[1,28,28],\"pixel-scaling\":"
                                + "\"divide-by-max\",\"transforms\":[{\"mean\":[0.286],"
                                + "\"std\":[0.353],\"type\":\"normalize\"}]}");
        ImageFolderDataset examples = (ImageFolderDataset) test.examples();
        assertThat(examples.rowCount()).isEqualTo(200);
        assertSameValues(examples, reader(input));
    }

    @Test
    void theExampleTrainingFoldersHeldOutSplitIsReadAsItsHeldOutExamples() {
        LoadedData train =
                load(
                        "image-folder",
                        DataRole.TRAIN,
                        "path = \""
                                + EXAMPLE.resolve("train")
                                + "\", channels = 1, test-fraction = 0.1, transforms = ["
                                + " { type = random-crop, size = 28, padding = 2 },"
                                + " { type = random-flip },"
                                + " { type = normalize, mean = [0.286], std = [0.353] } ]");
        PredictionInput input = train.input().orElseThrow();

        // the training transforms without their random steps
        assertThat(input.settings().getList("transforms").unwrapped())
                .isEqualTo(
                        List.of(
                                Map.of(
                                        "type",
                                        "normalize",
                                        "mean",
                                        List.of(0.286),
                                        "std",
                                        List.of(0.353))));
        ImageFolderDataset heldOut = (ImageFolderDataset) train.heldOut().orElseThrow();
        assertThat(heldOut.rowCount()).isEqualTo(60);
        assertSameValues(heldOut, reader(input));
    }

    @Test
    void colourImagesOfSeveralSizesAreReadThroughTheTestTransforms() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        int[][] sizes = {{9, 7}, {12, 12}, {7, 10}, {16, 9}};
        for (int i = 0; i < 8; i++) {
            int[] size = sizes[i % sizes.length];
            int[] colours = new int[size[0] * size[1]];
            for (int p = 0; p < colours.length; p++) {
                colours[p] = random.nextInt(1 << 24);
            }
            String format = i % 2 == 0 ? "png" : "bmp";
            rgb(
                    tmp.resolve("colours/" + (i < 4 ? "a" : "b") + "/" + i + "." + format),
                    size[1],
                    colours,
                    format);
        }
        LoadedData train =
                load(
                        "image-folder",
                        DataRole.TRAIN,
                        "path = \""
                                + tmp.resolve("colours")
                                + "\", channels = 3, test-fraction = 0.5, transforms = ["
                                + " { type = random-resized-crop, size = 6 } ], test-transforms"
                                + " = [ { type = resize, size = 7 }, { type = center-crop, size"
                                + " = 6 }, { type = normalize, mean = [0.4, 0.5, 0.6], std ="
                                + " [0.2, 0.3, 0.25] } ]");
        PredictionInput input = train.input().orElseThrow();
        assertThat(input.classNames()).containsExactly("a", "b");
        assertThat(
                        input.settings().getConfigList("transforms").stream()
                                .map(t -> t.getString("type")))
                .containsExactly("resize", "center-crop", "normalize");
        assertSameValues((ImageFolderDataset) train.heldOut().orElseThrow(), reader(input));
    }

    @Test
    void idxImagesWrittenAsPngAreReadAsTheIdxTestExamples() throws IOException {
        // 16 images of 2x8: every byte value once, so each value's scaling is checked
        byte[] pixels = new byte[256];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) ((i * 167) % 256);
        }
        Path images =
                IdxTestFiles.write(tmp.resolve("images.gz"), true, new int[] {16, 2, 8}, pixels);
        byte[] labels = new byte[16];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 3);
        }
        Path labelFile = IdxTestFiles.write(tmp.resolve("labels.gz"), true, new int[] {16}, labels);
        String files = "images = \"" + images + "\", labels = \"" + labelFile + "\"";

        LoadedData test =
                load(
                        "idx",
                        DataRole.TEST,
                        files
                                + ", transforms = [{ type = normalize, mean = [0.1307], std ="
                                + " [0.3081] }]");
        LoadedData train =
                load(
                        "idx",
                        DataRole.TRAIN,
                        files
                                + ", transforms = [{ type = random-flip }, { type = normalize,"
                                + " mean = [0.5], std = [0.25] }]");
        LoadedData plain = load("idx", DataRole.TEST, files);

        // the training section's reader reads as its examples would be without the random flip
        LoadedData unflipped =
                load(
                        "idx",
                        DataRole.TRAIN,
                        files
                                + ", transforms = [{ type = normalize, mean = [0.5], std = [0.25] }]");
        assertThat(train.input().orElseThrow().settings().root().unwrapped())
                .isEqualTo(unflipped.input().orElseThrow().settings().root().unwrapped());
        for (LoadedData data : List.of(test, unflipped, plain)) {
            PredictionInput input = data.input().orElseThrow();
            assertThat(input.classNames()).isEmpty();
            assertThat(input.settings().getInt("channels")).isEqualTo(1);
            assertThat(input.settings().getInt("height")).isEqualTo(2);
            assertThat(input.settings().getInt("width")).isEqualTo(8);
            assertThat(input.settings().getString("pixel-scaling")).isEqualTo("idx-bytes");
            assertThat(input.settings().getIntList("example-shape")).containsExactly(1, 2, 8);
            InputReader reader = reader(input);
            HostTable examples = (HostTable) data.examples();
            for (int row = 0; row < 16; row++) {
                Path png = tmp.resolve("png/" + row + ".png");
                BufferedImage image = new BufferedImage(8, 2, BufferedImage.TYPE_BYTE_GRAY);
                int[] values = new int[16];
                for (int p = 0; p < 16; p++) {
                    values[p] = Byte.toUnsignedInt(pixels[row * 16 + p]);
                }
                image.getRaster().setPixels(0, 0, 8, 2, values);
                Files.createDirectories(png.getParent());
                assertThat(ImageIO.write(image, "png", png.toFile())).isTrue();
                float[] expected = new float[examples.featureCount()];
                examples.copyFeatures(row, expected, 0);
                assertThat(bits(reader.read(input(png.toString()))))
                        .as("row %d", row)
                        .isEqualTo(bits(expected));
            }
        }
        assertThat(train.input().orElseThrow().settings().getConfigList("transforms")).hasSize(1);

        Path wrong = grey(tmp.resolve("wrong.png"), 4, new int[16], "png");
        InputReader reader = reader(test.input().orElseThrow());
        assertThatThrownBy(() -> reader.read(input(wrong.toString())))
                .isInstanceOf(InputException.class)
                .hasMessage(
                        wrong
                                + ": the image is 4x4 (height x width) but the model reads images"
                                + " of 2x8, the size of its training images; resize it to that"
                                + " size first");
    }

    @Test
    void theSettingsSurviveJsonUnchanged() throws IOException {
        LoadedData test =
                load(
                        "image-folder",
                        DataRole.TEST,
                        "path = \""
                                + EXAMPLE.resolve("test")
                                + "\", channels = 3, transforms = [{ type = resize, size = [30,"
                                + " 32] }, { type = center-crop, size = [24, 26] }, { type ="
                                + " normalize, mean = [0.1, 0.2, 0.3], std = [1.5, 0.25, 3] }]");
        Config settings = test.input().orElseThrow().settings();
        Config parsed = json(settings);

        assertThat(parsed.root().unwrapped()).isEqualTo(settings.root().unwrapped());
        InputReader direct =
                extensions.create(ExtensionPoints.INPUT_READER, "image").create(settings);
        InputReader fromJson = reader(test.input().orElseThrow());
        assertThat(fromJson.exampleShape()).isEqualTo(new ai.djl.ndarray.types.Shape(3, 24, 26));
        for (NamedInput file : direct.expand(EXAMPLE.resolve("test/bag").toString())) {
            assertThat(bits(fromJson.read(file))).isEqualTo(bits(direct.read(file)));
        }
    }

    @Test
    void aFolderExpandsToItsImagesSortedByPathAndAFileToItself() throws IOException {
        grey(tmp.resolve("in/b/2.png"), 1, new int[] {1}, "png");
        grey(tmp.resolve("in/a/z/3.bmp"), 1, new int[] {1}, "bmp");
        grey(tmp.resolve("in/a/1.JPG"), 1, new int[] {1}, "jpg");
        grey(tmp.resolve("in/0.gif"), 1, new int[] {1}, "gif");
        grey(tmp.resolve("in/.hidden/4.png"), 1, new int[] {1}, "png");
        grey(tmp.resolve("in/a/.5.png"), 1, new int[] {1}, "png");
        Files.writeString(tmp.resolve("in/a/notes.txt"), "not an image");
        InputReader reader = exampleReader();

        String in = tmp.resolve("in").toString();
        assertThat(reader.expand(in).stream().map(NamedInput::name))
                .containsExactly(
                        in + "/0.gif", in + "/a/1.JPG", in + "/a/z/3.bmp", in + "/b/2.png");
        assertThat(reader.expand(in)).allSatisfy(i -> assertThat(i.text()).isEqualTo(i.name()));
        assertThat(reader.expand(in + "/b/2.png"))
                .containsExactly(new NamedInput(in + "/b/2.png", in + "/b/2.png"));
    }

    @Test
    void eachBadInputIsAnInputExceptionNamingIt() throws IOException {
        InputReader reader = exampleReader();
        Path missing = tmp.resolve("missing.png");
        Path text = Files.writeString(tmp.resolve("notes.txt"), "text");
        Path empty = Files.createDirectories(tmp.resolve("empty/sub"));
        Files.writeString(empty.resolve("readme.md"), "no images here");

        assertThatThrownBy(() -> reader.expand(missing.toString()))
                .isInstanceOf(InputException.class)
                .hasMessage(missing + ": no such file or folder");
        assertThatThrownBy(() -> reader.expand(text.toString()))
                .isInstanceOf(InputException.class)
                .hasMessage(text + ": not an image file (png, jpg, jpeg, bmp, gif)");
        assertThatThrownBy(() -> reader.expand(tmp.resolve("empty").toString()))
                .isInstanceOf(InputException.class)
                .hasMessage(
                        tmp.resolve("empty")
                                + ": folder holds no images (png, jpg, jpeg, bmp, gif)");

        Path fake = Files.writeString(tmp.resolve("fake.png"), "this is text");
        assertThatThrownBy(() -> reader.read(input(fake.toString())))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(fake + ": cannot be decoded as an image: ");
        int[] values = new int[256];
        Arrays.setAll(values, i -> (i * 37) % 256);
        Path truncated = grey(tmp.resolve("truncated.png"), 16, values, "png");
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 30));
        assertThatThrownBy(() -> reader.read(input(truncated.toString())))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(truncated + ": cannot be decoded as an image: ");
        assertThatThrownBy(() -> reader.read(input(missing.toString())))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(missing + ": cannot be decoded as an image: ");

        // the example test folder's transforms leave the size as it is: 28x28 only
        Path small = grey(tmp.resolve("small.png"), 6, new int[36], "png");
        assertThatThrownBy(() -> reader.read(input(small.toString())))
                .isInstanceOf(InputException.class)
                .hasMessage(
                        small
                                + ": an image of 6x6 (height x width) does not become an example"
                                + " of the size the model reads, 1x28x28 (channels x height x"
                                + " width): the transforms make it 1x6x6");

        // a crop larger than the image
        LoadedData cropped =
                load(
                        "image-folder",
                        DataRole.TEST,
                        "path = \""
                                + EXAMPLE.resolve("test")
                                + "\", channels = 1, transforms = [{ type = center-crop, size ="
                                + " 20 }]");
        InputReader crop = reader(cropped.input().orElseThrow());
        assertThatThrownBy(() -> crop.read(input(small.toString())))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(
                        small
                                + ": an image of 6x6 (height x width) does not become an example"
                                + " of the size the model reads, 1x20x20 (channels x height x"
                                + " width): ");
    }

    @Test
    void settingsAReaderDoesNotWriteAreRefused() {
        InputReaderProvider provider = extensions.create(ExtensionPoints.INPUT_READER, "image");
        assertThatThrownBy(
                        () ->
                                provider.create(
                                        ConfigFactory.parseString(
                                                "channels = 2, pixel-scaling = divide-by-max,"
                                                        + " transforms = [], example-shape ="
                                                        + " [2, 3, 3]")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("preprocessing.channels: must be 1 or 3 but is 2");
        assertThatThrownBy(
                        () ->
                                provider.create(
                                        ConfigFactory.parseString(
                                                "channels = 1, pixel-scaling = divide-by-max,"
                                                        + " transforms = [{ type = sharpen }],"
                                                        + " example-shape = [1, 3, 3]")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("preprocessing.transforms[0].type: unknown transform type");
    }

    private InputReader exampleReader() {
        return reader(
                load(
                                "image-folder",
                                DataRole.TEST,
                                "path = \""
                                        + EXAMPLE.resolve("test")
                                        + "\", channels = 1, transforms = [{ type = normalize,"
                                        + " mean = [0.286], std = [0.353] }]")
                        .input()
                        .orElseThrow());
    }

    /** Loads a section as a run does: the dataset extension created by Kiln's factory. */
    private static LoadedData load(String type, DataRole role, String keys) {
        DatasetProvider provider = extensions.create(ExtensionPoints.DATASET, type);
        Config section =
                ConfigFactory.parseString("type = " + type + ", " + keys)
                        .withFallback(ConfigFactory.defaultReference().getConfig("kiln." + type))
                        .resolve();
        return provider.load(section, role);
    }

    /** The reader an export makes: its settings written as JSON and parsed again. */
    private static InputReader reader(PredictionInput input) {
        return extensions
                .create(ExtensionPoints.INPUT_READER, input.reader())
                .create(json(input.settings()));
    }

    private static Config json(Config settings) {
        return ConfigFactory.parseString(settings.root().render(ConfigRenderOptions.concise()));
    }

    /** Checks that the reader reads each example's file into the example's values, bit for bit. */
    private static void assertSameValues(ImageFolderDataset examples, InputReader reader) {
        assertThat(reader.exampleShape()).isEqualTo(examples.exampleShape());
        for (int row = 0; row < examples.rowCount(); row++) {
            float[] expected = new float[examples.featureCount()];
            examples.copyFeatures(row, expected, 0);
            assertThat(bits(reader.read(input(examples.file(row).toString()))))
                    .as("%s", examples.file(row))
                    .isEqualTo(bits(expected));
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static NamedInput input(String path) {
        return new NamedInput(path, path);
    }
}
