package dev.kiln.images;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for the tests. */
final class IdxTestFiles {

    private IdxTestFiles() {}

    /**
     * @param file where
     * @param gzip whether to compress it
     * @param dims the dimensions
     * @param values the values, as many as the dimensions say (or fewer, for a truncated file)
     * @return the file
     */
    static Path write(Path file, boolean gzip, int[] dims, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(0);
            out.writeByte(0);
            out.writeByte(0x08);
            out.writeByte(dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(values);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            if (gzip) {
                try (GZIPOutputStream zipped = new GZIPOutputStream(out)) {
                    zipped.write(bytes.toByteArray());
                }
            } else {
                out.write(bytes.toByteArray());
            }
        }
        return file;
    }

    /**
     * Two classes of 4x4 images, easy to tell apart: class 0 bright on the left half, class 1 on
     * the right, with a little seeded noise. Writes {@code <prefix>-images.gz} and {@code
     * <prefix>-labels.gz}.
     *
     * @param dir the folder
     * @param prefix the files' prefix
     * @param count how many images
     * @param seed the noise's seed
     * @return the images' file; the labels' is beside it
     */
    static Path halves(Path dir, String prefix, int count, long seed) throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        byte[] pixels = new byte[count * 16];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = i % 2;
            labels[i] = (byte) label;
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    boolean bright = (x < 2) == (label == 0);
                    int v = (bright ? 200 : 30) + random.nextInt(40);
                    pixels[i * 16 + y * 4 + x] = (byte) v;
                }
            }
        }
        write(dir.resolve(prefix + "-labels.gz"), true, new int[] {count}, labels);
        return write(dir.resolve(prefix + "-images.gz"), true, new int[] {count, 4, 4}, pixels);
    }
}
