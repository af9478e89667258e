package dev.kiln.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.data.DataFormatException;
import dev.kiln.testkit.fuzz.ByteMutations;
import dev.kiln.testkit.fuzz.FuzzTally;
import dev.kiln.testkit.fuzz.Mutant;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of real IDX files, gzip-compressed and not, through {@link IdxFile#read} and
 * {@link IdxDataset#read}: each either loads what the file's header says and the file holds, or
 * fails with a {@link DataFormatException} naming the file; never another exception, and never an
 * allocation beyond a bound proportional to the bytes the file holds.
 */
class IdxFuzzTest {

    private static final int MUTATIONS = 3000;
    private static final long FIRST_SEED = 0x1D_0000_0000L;

    @TempDir Path tmp;

    /** A pair of real files: images and labels. */
    private record Pair(boolean gzip, byte[] images, byte[] labels) {}

    @Test
    void everyMutationLoadsWhatTheFileHoldsOrFailsWithADataFormatException() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("seeds"));
        Path gzipped = IdxTestFiles.halves(dir, "g", 6, 1);
        byte[] pixels = new byte[5 * 3 * 2];
        new SplittableRandom(2).nextBytes(pixels);
        Path plain =
                IdxTestFiles.write(dir.resolve("p-images"), false, new int[] {5, 3, 2}, pixels);
        IdxTestFiles.write(
                dir.resolve("p-labels"), false, new int[] {5}, new byte[] {0, 1, 2, 1, 0});
        List<Pair> seeds =
                List.of(
                        new Pair(
                                true,
                                Files.readAllBytes(gzipped),
                                Files.readAllBytes(dir.resolve("g-labels.gz"))),
                        new Pair(
                                false,
                                Files.readAllBytes(plain),
                                Files.readAllBytes(dir.resolve("p-labels"))));
        Path images = tmp.resolve("images.idx");
        Path labels = tmp.resolve("labels.idx");
        for (Pair pair : seeds) { // warm up: class loading is not the reader's allocation
            Files.write(images, pair.images());
            Files.write(labels, pair.labels());
            IdxDataset.read(images, labels, 2, false);
        }
        FuzzTally file = new FuzzTally("idx");
        FuzzTally dataset = new FuzzTally("idx-dataset");
        for (int i = 0; i < MUTATIONS; i++) {
            long seed = FIRST_SEED + i;
            SplittableRandom random = new SplittableRandom(seed);
            Pair pair = seeds.get(random.nextInt(seeds.size()));
            boolean ofImages = random.nextInt(3) > 0;
            Mutant mutant = mutate(ofImages ? pair.images() : pair.labels(), pair.gzip(), random);
            Files.write(images, ofImages ? mutant.bytes() : pair.images());
            Files.write(labels, ofImages ? pair.labels() : mutant.bytes());
            Path mutated = ofImages ? images : labels;
            String where =
                    "seed "
                            + seed
                            + " ("
                            + (ofImages ? "images: " : "labels: ")
                            + mutant.description()
                            + ")";

            String fileReason = readFile(mutated, mutant.bytes(), where);
            file.count(fileReason);
            String datasetReason = readDataset(images, labels, where);
            dataset.count(datasetReason);
            if (fileReason != null && ofImages) {
                assertThat(datasetReason)
                        .as(where + ": the dataset loads a file that does not")
                        .isNotNull();
            }
        }
        file.report(MUTATIONS);
        dataset.report(MUTATIONS);
    }

    /** @return null when the file loaded as it holds, else the class of the rejection */
    private static String readFile(Path path, byte[] bytes, String where) {
        long before = allocated();
        IdxFile read;
        try {
            read = IdxFile.read(path);
        } catch (DataFormatException e) {
            assertThat(allocated() - before)
                    .as(where + ": bytes allocated")
                    .isLessThan(bound(bytes));
            assertThat(e.getMessage()).as(where).startsWith(path.toString());
            return reason(e.problem());
        } catch (Throwable t) {
            throw new AssertionError(where + ": IdxFile.read threw " + t, t);
        }
        assertThat(allocated() - before).as(where + ": bytes allocated").isLessThan(bound(bytes));
        byte[] decompressed = content(bytes);
        assertThat(decompressed.length)
                .as(where + ": the bytes that hold the header and values")
                .isGreaterThanOrEqualTo(4 + 4 * read.dims().length + read.values().length);
        ByteBuffer content = ByteBuffer.wrap(decompressed);
        assertThat(content.getShort()).as(where).isZero();
        assertThat(content.get()).as(where).isEqualTo((byte) 0x08);
        int count = Byte.toUnsignedInt(content.get());
        int[] dims = new int[count];
        long total = 1;
        for (int d = 0; d < count; d++) {
            dims[d] = content.getInt();
            total *= dims[d];
        }
        assertThat(read.dims()).as(where).containsExactly(dims);
        byte[] values = new byte[Math.toIntExact(total)];
        content.get(values);
        assertThat(read.values()).as(where).isEqualTo(values);
        return null;
    }

    /** @return null when the pair loaded consistently, else the class of the rejection */
    private static String readDataset(Path images, Path labels, String where) throws IOException {
        long before = allocated();
        IdxDataset data;
        try {
            data = IdxDataset.read(images, labels, 2, false);
        } catch (DataFormatException e) {
            assertThat(e.getMessage())
                    .as(where)
                    .satisfiesAnyOf(
                            m -> assertThat(m).startsWith(images.toString()),
                            m -> assertThat(m).startsWith(labels.toString()));
            return reason(e.problem());
        } catch (Throwable t) {
            throw new AssertionError(where + ": IdxDataset.read threw " + t, t);
        }
        long used = allocated() - before;
        byte[] imageBytes = Files.readAllBytes(images);
        byte[] labelBytes = Files.readAllBytes(labels);
        assertThat(used)
                .as(where + ": bytes allocated")
                .isLessThan(bound(imageBytes) + bound(labelBytes));
        IdxFile imageFile = IdxFile.read(images);
        IdxFile labelFile = IdxFile.read(labels);
        int[] dims = imageFile.dims();
        assertThat(data.rowCount()).as(where).isEqualTo(dims[0]).isEqualTo(labelFile.dims()[0]);
        assertThat(data.storedShape())
                .as(where)
                .isEqualTo(new dev.kiln.data.image.ImageShape(1, dims[1], dims[2]));
        if (data.rowCount() > 0) {
            int last = data.rowCount() - 1;
            float[] row = new float[data.featureCount()];
            data.copyFeatures(last, row, 0);
            int n = dims[1] * dims[2];
            for (int p = 0; p < n; p++) {
                assertThat(row[p])
                        .as(where + " pixel " + p)
                        .isEqualTo(
                                Byte.toUnsignedInt(imageFile.values()[last * n + p]) / 255f,
                                org.assertj.core.data.Offset.offset(1e-6f));
            }
            assertThat(data.label(last))
                    .as(where)
                    .isEqualTo((float) Byte.toUnsignedInt(labelFile.values()[last]));
        }
        return null;
    }

    /**
     * A read holds the values once, and a gzip-compressed read may hold them twice while it
     * gathers them in chunks: 4 bytes per byte of content leaves room for both. The constant
     * covers the streams' buffers and the message of an error. The content is what the file
     * holds uncompressed, which for a compressed file may be more than its size.
     */
    private static long bound(byte[] file) {
        return 4L * Math.max(file.length, content(file).length) + (1 << 20);
    }

    /** @return the file uncompressed when it is gzip-compressed, as far as it decompresses */
    private static byte[] content(byte[] file) {
        if (file.length < 2 || (file[0] & 0xff) != 0x1f || (file[1] & 0xff) != 0x8b) {
            return file;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(file))) {
            byte[] one = new byte[1]; // one at a time: the bytes before a bad checksum count
            while (in.read(one) > 0) {
                out.write(one[0]);
            }
        } catch (IOException e) {
            // as far as it decompresses
        }
        return out.toByteArray();
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    private static String reason(String problem) {
        String[] classes = {
            "magic number", "type 0x", "negative", "too large", "ends before its header",
            "ends before the", "gzip", "dimensions (count", "dimension (count", "pixels",
            "labels but"
        };
        for (String c : classes) {
            if (problem.contains(c)) {
                return c.replace(' ', '_');
            }
        }
        return "other";
    }

    private static Mutant mutate(byte[] original, boolean gzip, SplittableRandom random)
            throws IOException {
        if (random.nextInt(3) == 0) {
            return ByteMutations.any(original, random); // of the compressed bytes, if compressed
        }
        byte[] content = content(original);
        Mutant mutant =
                switch (random.nextInt(6)) {
                    case 0 -> ByteMutations.any(content, random);
                    case 1 -> type(content, random);
                    case 2 -> dimensionCount(content, random);
                    default -> dimension(content, random);
                };
        return gzip
                ? new Mutant(mutant.description() + ", compressed", gzip(mutant.bytes()))
                : mutant;
    }

    private static Mutant type(byte[] content, SplittableRandom random) {
        byte[] bytes = content.clone();
        int type = new int[] {0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x00, 0xff}[random.nextInt(7)];
        bytes[2] = (byte) type;
        return new Mutant("type byte -> " + type, bytes);
    }

    private static Mutant dimensionCount(byte[] content, SplittableRandom random) {
        byte[] bytes = content.clone();
        int count = content[3];
        int value = new int[] {0, 1, 2, 3, 4, 255, count - 1, count + 1}[random.nextInt(8)];
        bytes[3] = (byte) value;
        return new Mutant("dimension count " + count + " -> " + value, bytes);
    }

    private static Mutant dimension(byte[] content, SplittableRandom random) {
        byte[] bytes = content.clone();
        int count = content[3];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int[] values = {
            0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 15, 1 << 16, 1 << 30, 28, 60000
        };
        StringBuilder what = new StringBuilder("dimensions");
        int changes = random.nextInt(4) == 0 ? count : 1;
        for (int c = 0; c < changes; c++) {
            int d = changes == count ? c : random.nextInt(count);
            int old = buffer.getInt(4 + 4 * d);
            int value =
                    random.nextBoolean()
                            ? values[random.nextInt(values.length)]
                            : old + (random.nextBoolean() ? 1 : -1);
            buffer.putInt(4 + 4 * d, value);
            what.append(' ').append(d).append(": ").append(old).append(" -> ").append(value);
        }
        return new Mutant(what.toString(), bytes);
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zipped = new GZIPOutputStream(out)) {
            zipped.write(content);
        }
        return out.toByteArray();
    }
}
