package dev.kiln.images;

import ai.djl.ndarray.types.Shape;
import dev.kiln.data.DataFormatException;
import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.images.transform.TransformList;
import dev.kiln.predict.InputException;
import dev.kiln.predict.InputReader;
import dev.kiln.predict.NamedInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Reads image files as an image dataset reads its test images: decoded by {@link ImageFiles},
 * scaled, transformed by the test transforms. See {@link ImageInputReaderProvider} for the
 * settings.
 */
final class ImageInputReader implements InputReader {

    private static final float IDX_SCALE = 1f / 255f;
    private static final String KINDS = "png, jpg, jpeg, bmp, gif";

    private final int channels;
    private final int[] fixedSize;
    private final boolean idxBytes;
    private final TransformList transforms;
    private final ImageShape example;

    ImageInputReader(
            int channels,
            int[] fixedSize,
            String pixelScaling,
            TransformList transforms,
            ImageShape example) {
        this.channels = channels;
        this.fixedSize = fixedSize == null ? null : fixedSize.clone();
        this.idxBytes = pixelScaling.equals(ImageInputReaderProvider.IDX_BYTES);
        this.transforms = transforms;
        this.example = example;
    }

    @Override
    public Shape exampleShape() {
        return example.toShape();
    }

    /**
     * An image file is itself; a folder is every image file below it (by name, as {@link
     * ImageFolder} takes them; hidden files and folders skipped), sorted by path.
     */
    @Override
    public List<NamedInput> expand(String argument) {
        Path path = Path.of(argument);
        if (Files.isRegularFile(path)) {
            if (!ImageFiles.hasImageName(path)) {
                throw new InputException(argument + ": not an image file (" + KINDS + ")");
            }
            return List.of(new NamedInput(argument, argument));
        }
        if (!Files.isDirectory(path)) {
            throw new InputException(argument + ": no such file or folder");
        }
        List<NamedInput> found;
        try (Stream<Path> files = Files.walk(path)) {
            found =
                    files.filter(Files::isRegularFile)
                            .filter(f -> !hidden(path, f))
                            .filter(ImageFiles::hasImageName)
                            .sorted()
                            .map(f -> new NamedInput(f.toString(), f.toString()))
                            .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new InputException(argument + ": cannot list the folder: " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new InputException(argument + ": folder holds no images (" + KINDS + ")");
        }
        return found;
    }

    private static boolean hidden(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public float[] read(NamedInput input) {
        String text = input.text();
        String name = input.name();
        Path file = Path.of(text);
        HostImage image;
        try {
            image = ImageFiles.decode(file, channels);
        } catch (DataFormatException e) {
            String problem = e.problem();
            String prefix = "cannot be decoded as an image: ";
            throw new InputException(
                    name + ": " + (problem.startsWith(prefix) ? problem : prefix + problem), e);
        }
        ImageShape decoded = image.shape();
        if (fixedSize != null
                && (decoded.height() != fixedSize[0] || decoded.width() != fixedSize[1])) {
            throw new InputException(
                    name
                            + ": the image is "
                            + size(decoded.height(), decoded.width())
                            + " (height x width) but the model reads images of "
                            + size(fixedSize[0], fixedSize[1])
                            + ", the size of its training images; resize it to that size first");
        }
        if (idxBytes) {
            image = toIdxBytes(image);
        }
        ImageShape out;
        try {
            out = transforms.outputShape(decoded);
        } catch (RuntimeException e) {
            throw wrongSize(name, decoded, e.getMessage());
        }
        if (!out.equals(example)) {
            throw wrongSize(name, decoded, "the transforms make it " + out);
        }
        return transforms.apply(image, new SplittableRandom(0)).pixels();
    }

    /** Rounds each grey value to the byte an IDX file stores and scales it as IdxDataset does. */
    private static HostImage toIdxBytes(HostImage image) {
        float[] pixels = image.pixels();
        HostImage out = HostImage.zeros(image.shape());
        float[] dest = out.pixels();
        for (int i = 0; i < pixels.length; i++) {
            int v = Math.round(pixels[i] * 255f);
            dest[i] = v * IDX_SCALE;
        }
        return out;
    }

    private InputException wrongSize(String text, ImageShape decoded, String why) {
        return new InputException(
                text
                        + ": an image of "
                        + size(decoded.height(), decoded.width())
                        + " (height x width) does not become an example of the size the model"
                        + " reads, "
                        + example
                        + " (channels x height x width): "
                        + why);
    }

    private static String size(int height, int width) {
        return height + "x" + width;
    }
}
