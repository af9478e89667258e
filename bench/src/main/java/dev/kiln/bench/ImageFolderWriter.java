package dev.kiln.bench;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes images of a pair of IDX files (MNIST, Fashion-MNIST) as an image folder of grey PNGs, one
 * subfolder per class ({@code 0/}, {@code 1/}, ... or the given class names): the input of the
 * {@code images} benchmark and of {@code examples/images}.
 */
@Command(
        name = "image-folder",
        mixinStandardHelpOptions = true,
        description = "Write IDX images as a folder of PNGs, one subfolder per class.")
public final class ImageFolderWriter implements Callable<Integer> {

    @Option(names = "--images", required = true, description = "the images' IDX file (gzip or not)")
    Path images;

    @Option(names = "--labels", required = true, description = "the labels' IDX file (gzip or not)")
    Path labels;

    @Option(names = "--out", required = true, description = "the folder to write; must not exist")
    Path out;

    @Option(
            names = "--per-class",
            defaultValue = "0",
            description = "at most this many images per class (0: all)")
    int perClass;

    @Option(
            names = "--skip",
            defaultValue = "0",
            description = "leave out the first N images of the file")
    int skip;

    @Option(
            names = "--classes",
            split = ",",
            description = "folder names of the classes, in label order (default 0, 1, ...)")
    String[] classes;

    @Override
    public Integer call() throws IOException {
        int written = write(images, labels, out, perClass, skip, classes);
        System.err.println("wrote " + written + " images to " + out);
        return 0;
    }

    /**
     * Writes the folder.
     *
     * @param images the images' IDX file
     * @param labels the labels' IDX file
     * @param out the folder to create
     * @param perClass at most this many images per class, 0 for all
     * @param skip how many first images to leave out
     * @param classNames folder names in label order, or null for the label numbers
     * @return the number of images written
     * @throws IOException if a file cannot be read or written
     */
    public static int write(
            Path images, Path labels, Path out, int perClass, int skip, String[] classNames)
            throws IOException {
        if (Files.exists(out)) {
            throw new IOException(out + " exists already");
        }
        byte[] labelBytes = readIdx(labels, 1);
        int[] counts = new int[256];
        int written = 0;
        try (DataInputStream in = open(images)) {
            int magic = in.readInt();
            if (magic != 0x803) {
                throw new IOException(images + " is not an IDX file of 3-dimensional bytes");
            }
            int count = in.readInt();
            int height = in.readInt();
            int width = in.readInt();
            if (count != labelBytes.length) {
                throw new IOException(
                        images
                                + " holds "
                                + count
                                + " images but "
                                + labels
                                + " "
                                + labelBytes.length
                                + " labels");
            }
            byte[] pixels = new byte[height * width];
            for (int i = 0; i < count; i++) {
                in.readFully(pixels);
                int label = Byte.toUnsignedInt(labelBytes[i]);
                if (i < skip || (perClass > 0 && counts[label] >= perClass)) {
                    continue;
                }
                String name = classNames == null ? Integer.toString(label) : classNames[label];
                Path dir = out.resolve(name);
                Files.createDirectories(dir);
                BufferedImage image =
                        new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                image.getRaster().setDataElements(0, 0, width, height, pixels);
                ImageIO.write(image, "png", dir.resolve(String.format("%05d.png", i)).toFile());
                counts[label]++;
                written++;
            }
        }
        return written;
    }

    private static byte[] readIdx(Path file, int dims) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != (0x800 | dims)) {
                throw new IOException(
                        file + " is not an IDX file of " + dims + "-dimensional bytes");
            }
            int count = in.readInt();
            byte[] values = new byte[count];
            in.readFully(values);
            return values;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            raw = new GZIPInputStream(raw, 1 << 16);
        }
        return new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
    }
}
