package dev.kiln.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Real data small enough for a unit test, copied out of the kit into a folder of the test's own.
 *
 * <pre>{@code
 * Path digits = TestData.digits40(tmp);
 * TrainedRun run = TestTrainer.in(tmp).data(digits).iterations(20).train();
 * }</pre>
 */
public final class TestData {

    private TestData() {}

    /**
     * Writes 40 rows of the UCI handwritten digits (8x8 images as 64 features in 0..16, then the
     * digit), four of each class, as a CSV without header, label last.
     *
     * @param dir the folder to write {@code digits-40.csv} into; created if missing
     * @return the file
     */
    public static Path digits40(Path dir) {
        return copy("digits-40.csv", dir);
    }

    /**
     * Writes a subset of Fashion-MNIST (H. Xiao, K. Rasul, R. Vollgraf, Zalando Research, MIT
     * licence) as gzipped IDX files: the first 1,000 training images (28x28 grey, 10 classes) and
     * the first 500 test images, with their labels.
     *
     * @param dir the folder to write the four files into; created if missing
     * @return the files
     */
    public static FashionFiles fashion(Path dir) {
        return new FashionFiles(
                copy("fashion-train1000-images-idx3-ubyte.gz", dir),
                copy("fashion-train1000-labels-idx1-ubyte.gz", dir),
                copy("fashion-test500-images-idx3-ubyte.gz", dir),
                copy("fashion-test500-labels-idx1-ubyte.gz", dir));
    }

    /**
     * The IDX files of {@link #fashion}.
     *
     * @param trainImages 1,000 training images
     * @param trainLabels their labels
     * @param testImages 500 test images
     * @param testLabels their labels
     */
    public record FashionFiles(
            Path trainImages, Path trainLabels, Path testImages, Path testLabels) {}

    private static Path copy(String name, Path dir) {
        Path file = dir.resolve(name);
        try (InputStream in = TestData.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the test kit has no " + name);
            }
            Files.createDirectories(dir);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
