package dev.kiln.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmarks' clean-up of the folders they train and write into. */
final class FileTrees {

    private FileTrees() {}

    /**
     * Deletes a folder and everything in it; nothing happens when it does not exist.
     *
     * @param root the folder
     * @throws IOException when something in it cannot be deleted
     */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
