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
