package dev.kiln.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of an image folder: one subfolder per class, as torchvision's and DJL's {@code
 * ImageFolder} lay it out. Class names are the subfolders' names, sorted, so class {@code i} is the
 * {@code i}-th name; within a class the files are sorted by name. Only files with an image
 * extension ({@link ImageFiles#EXTENSIONS}) count; hidden files and folders (their name starts with
 * a dot) are ignored.
 *
 * @param root the folder
 * @param classes the class names, sorted
 * @param files every image, class by class
 * @param labels each file's class index
 * @param ignored how many other files the class folders hold
 */
public record ImageFolder(
        Path root, List<String> classes, List<Path> files, int[] labels, int ignored) {

    /**
     * Lists an image folder.
     *
     * @param root the folder
     * @return its classes and images
     * @throws IllegalArgumentException if it is not a folder, has no class folder, or a class
     *     folder holds no image (naming it)
     */
    public static ImageFolder scan(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("no such folder: " + root.toAbsolutePath());
        }
        List<Path> classDirs = sortedEntries(root, Files::isDirectory);
        if (classDirs.isEmpty()) {
            throw new IllegalArgumentException(
                    root
                            + " has no class folders; an image folder holds one folder per class,"
                            + " each with that class's images");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int ignored = 0;
        for (Path dir : classDirs) {
            List<Path> entries = sortedEntries(dir, Files::isRegularFile);
            List<Path> images = entries.stream().filter(ImageFiles::hasImageName).toList();
            ignored += entries.size() - images.size();
            if (images.isEmpty()) {
                throw new IllegalArgumentException(
                        "class folder "
                                + dir
                                + " holds no image (files ending in "
                                + String.join(
                                        ", ", ImageFiles.EXTENSIONS.stream().sorted().toList())
                                + "); remove the folder or add its images");
            }
            for (Path image : images) {
                files.add(image);
                labels.add(classes.size());
            }
            classes.add(dir.getFileName().toString());
        }
        return new ImageFolder(
                root,
                List.copyOf(classes),
                List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray(),
                ignored);
    }

    private static List<Path> sortedEntries(Path dir, java.util.function.Predicate<Path> kind) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(kind)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
