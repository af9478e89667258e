package dev.kiln.images;

import dev.kiln.data.DataFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file of unsigned bytes, the format of MNIST and Fashion-MNIST: a magic number (two zero
 * bytes, the type {@code 0x08}, the number of dimensions), each dimension as a big-endian int,
 * then the values. Read whole, gzip-compressed or not (told by the file's first bytes).
 *
 * @param dims the dimensions, such as {@code [60000, 28, 28]} for images or {@code [60000]} for
 *     labels
 * @param values the values, row-major
 */
public record IdxFile(int[] dims, byte[] values) {

    /** The largest file read: one Fashion-MNIST training set is 47 MB uncompressed. */
    private static final long MAX_VALUES = 1L << 30;

    /** The size of a compressed file's content, unknown until it is read. */
    private static final long UNKNOWN_SIZE = -1;

    /**
     * @param file an IDX file, gzip-compressed or not
     * @return its dimensions and values
     * @throws DataFormatException naming the file, when it is not an IDX file of unsigned bytes, is
     *     shorter than its dimensions say, or its gzip stream is damaged (its checksum included)
     * @throws UncheckedIOException when it cannot be read
     */
    public static IdxFile read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream in = gzip ? new GZIPInputStream(raw) : raw;
            // Uncompressed, the file's size bounds what it holds; compressed, the values are
            // read as they come: a header claiming more than the file holds allocates nothing
            // for what is not there.
            long available = gzip ? UNKNOWN_SIZE : Files.size(file);
            return read(file, new DataInputStream(in), available);
        } catch (EOFException e) {
            throw new DataFormatException(file, 1, "the file ends before its header does");
        } catch (ZipException e) {
            throw new DataFormatException(
                    file, 1, "not a valid gzip-compressed file: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static IdxFile read(Path file, DataInputStream in, long available) throws IOException {
        int zero0 = in.readUnsignedByte();
        int zero1 = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int count = in.readUnsignedByte();
        if (zero0 != 0 || zero1 != 0 || count == 0) {
            throw new DataFormatException(
                    file, 1, "not an IDX file: it does not begin with an IDX magic number");
        }
        if (type != 0x08) {
            throw new DataFormatException(
                    file,
                    1,
                    String.format(
                            "IDX values of type 0x%02x; only unsigned bytes (0x08) are read",
                            type));
        }
        int[] dims = new int[count];
        long total = 1;
        for (int i = 0; i < count; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new DataFormatException(file, 1, "dimension " + i + " is negative");
            }
            total *= dims[i];
            if (total > MAX_VALUES) {
                throw new DataFormatException(
                        file, 1, "dimensions " + Arrays.toString(dims) + " are too large");
            }
        }
        long header = 4 + 4L * count;
        byte[] values = null;
        try {
            if (available == UNKNOWN_SIZE) {
                values = in.readNBytes((int) total);
                drain(in); // to the end of the stream, where its checksum is checked
            } else if (total <= available - header) {
                values = new byte[(int) total];
                in.readFully(values);
            }
        } catch (EOFException e) {
            values = null;
        }
        if (values == null || values.length < total) {
            throw new DataFormatException(
                    file,
                    1,
                    "the file ends before the "
                            + total
                            + " values its dimensions "
                            + Arrays.toString(dims)
                            + " say");
        }
        return new IdxFile(dims, values);
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        while (in.read(buffer) >= 0) {
            // discard what follows the values
        }
    }
}
