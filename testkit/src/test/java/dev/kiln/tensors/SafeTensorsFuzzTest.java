package dev.kiln.tensors;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.testkit.fuzz.ByteMutations;
import dev.kiln.testkit.fuzz.FuzzTally;
import dev.kiln.testkit.fuzz.JsonMutations;
import dev.kiln.testkit.fuzz.Mutant;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of real safetensors files through {@link SafeTensors#read}, {@link
 * SafeTensors#check} and {@link SafeTensors#metadata}: each either loads what the file's header
 * says and the file holds, or fails with a {@link TensorFileException} naming the file; never
 * another exception, and never an allocation beyond a bound proportional to the file's size.
 */
class SafeTensorsFuzzTest {

    private static final int MUTATIONS = 3000;
    private static final long FIRST_SEED = 0x5AFE_7E50_0000L;

    @TempDir Path tmp;

    @Test
    void everyMutationLoadsWhatTheFileHoldsOrFailsWithATensorFileException() throws IOException {
        List<byte[]> seeds = seeds();
        Path file = tmp.resolve("mutant.safetensors");
        for (byte[] seed : seeds) { // warm up: class loading is not the reader's allocation
            Files.write(file, seed);
            SafeTensors.read(file);
            SafeTensors.metadata(file);
        }
        FuzzTally tally = new FuzzTally("safetensors");
        for (int i = 0; i < MUTATIONS; i++) {
            long seed = FIRST_SEED + i;
            SplittableRandom random = new SplittableRandom(seed);
            byte[] original = seeds.get(random.nextInt(seeds.size()));
            Mutant mutant = mutate(original, random);
            Files.write(file, mutant.bytes());
            String where = "seed " + seed + " (" + mutant.description() + ")";
            tally.count(tryAll(file, mutant.bytes(), where));
        }
        tally.report(MUTATIONS);
    }

    /**
     * Reads the file all three ways.
     *
     * @return null when it loaded, else the class of the rejection's message
     */
    private static String tryAll(Path file, byte[] bytes, String where) {
        Map<String, TensorData> tensors = null;
        TensorFileException error = null;
        long before = allocated();
        try {
            tensors = SafeTensors.read(file);
        } catch (TensorFileException e) {
            error = e;
        } catch (Throwable t) {
            throw new AssertionError(where + ": read threw " + t, t);
        }
        long used = allocated() - before;
        assertThat(used).as(where + ": bytes allocated by read").isLessThan(bound(bytes.length));

        Map<String, Shape> shapes = null;
        try {
            shapes = SafeTensors.check(file);
        } catch (TensorFileException e) {
            assertThat(tensors).as(where + ": check rejects what read loads: " + e).isNull();
        } catch (Throwable t) {
            throw new AssertionError(where + ": check threw " + t, t);
        }
        Map<String, String> metadata = null;
        try {
            metadata = SafeTensors.metadata(file);
        } catch (TensorFileException e) {
            assertNamesFile(e, file, where);
        } catch (Throwable t) {
            throw new AssertionError(where + ": metadata threw " + t, t);
        }
        if (error != null) {
            assertThat(shapes).as(where + ": check loads what read rejects").isNull();
            assertNamesFile(error, file, where);
            return reason(error.getMessage());
        }
        assertConsistent(bytes, tensors, where);
        Map<String, Shape> expected = new LinkedHashMap<>();
        tensors.forEach((name, t) -> expected.put(name, t.shape()));
        assertThat(shapes).as(where).containsExactlyEntriesOf(expected);
        assertThat(metadata).as(where + ": metadata of a loaded file").isNotNull();
        return null;
    }

    /**
     * A read needs the header's bytes, its text (two bytes a character at most) and its JSON tree,
     * and a copy of the data: well under 4 bytes per byte of file. The constant covers the buffers
     * and strings of a read and the message of an error.
     */
    private static long bound(long fileSize) {
        return 4 * fileSize + (1 << 20);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    private static void assertNamesFile(RuntimeException e, Path file, String where) {
        assertThat(e.getMessage())
                .as(where + ": the message names the file")
                .contains(file.toString());
    }

    /** Checks a load against the file, parsed here on its own, strictly. */
    private static void assertConsistent(
            byte[] bytes, Map<String, TensorData> tensors, String where) {
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header =
                JsonParser.parseString(
                                new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8))
                        .getAsJsonObject();
        int dataStart = 8 + (int) headerLength;
        List<String> names = new ArrayList<>(header.keySet());
        names.remove("__metadata__");
        assertThat(tensors.keySet()).as(where).containsExactlyInAnyOrderElementsOf(names);
        long covered = 0;
        for (Map.Entry<String, TensorData> entry : tensors.entrySet()) {
            JsonObject info = header.getAsJsonObject(entry.getKey());
            TensorData tensor = entry.getValue();
            JsonArray dims = info.getAsJsonArray("shape");
            long[] shape = new long[dims.size()];
            long size = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = wholeNumber(dims.get(i), where);
                size = Math.multiplyExact(size, shape[i]);
            }
            assertThat(tensor.shape().getShape()).as(where + " " + entry.getKey()).isEqualTo(shape);
            long begin = wholeNumber(info.getAsJsonArray("data_offsets").get(0), where);
            long end = wholeNumber(info.getAsJsonArray("data_offsets").get(1), where);
            assertThat(tensor.data().length)
                    .as(where + " " + entry.getKey())
                    .isEqualTo(Math.multiplyExact(size, tensor.dataType().getNumOfBytes()))
                    .isEqualTo(end - begin);
            assertThat(tensor.data())
                    .as(where + " " + entry.getKey())
                    .isEqualTo(
                            Arrays.copyOfRange(
                                    bytes, dataStart + (int) begin, dataStart + (int) end));
            covered += end - begin;
        }
        assertThat(covered)
                .as(where + ": the arrays cover the data")
                .isEqualTo(bytes.length - dataStart);
    }

    private static long wholeNumber(JsonElement element, String where) {
        assertThat(element.isJsonPrimitive() && element.getAsJsonPrimitive().isNumber())
                .as(where + ": " + element + " was read as a number")
                .isTrue();
        return new BigDecimal(element.getAsString()).longValueExact();
    }

    private static String reason(String message) {
        String[] classes = {
            "fewer than the 8",
            "begins with text",
            "header length",
            "not valid JSON",
            "not a JSON object",
            "unknown dtype",
            "negative dimension",
            "not a whole number",
            "too many elements",
            "data_offsets",
            "overlap or leave a gap",
            "the arrays cover",
            "malformed entry",
            "__metadata__",
            "not an array",
            "not an object",
            "cannot read"
        };
        for (String c : classes) {
            if (message.contains(c)) {
                return c.replace(' ', '_');
            }
        }
        return "other";
    }

    private static Mutant mutate(byte[] original, SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> ByteMutations.any(original, random);
            case 3 -> headerLength(original, random);
            case 4 -> shapeOverflow(original, random);
            default -> headerJson(original, random);
        };
    }

    /** @return the file with its header length set to an edge value */
    private static Mutant headerLength(byte[] original, SplittableRandom random) {
        long length = ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long[] values = {
            0,
            1,
            2,
            -1,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            Integer.MAX_VALUE,
            1L << 32,
            SafeTensors.MAX_HEADER_BYTES,
            SafeTensors.MAX_HEADER_BYTES + 1,
            length - 1,
            length + 1,
            original.length - 8,
            original.length - 7,
            original.length
        };
        long value = values[random.nextInt(values.length)];
        byte[] bytes = original.clone();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        return new Mutant("header length " + length + " -> " + value, bytes);
    }

    /** @return the file with an array's shape set to dimensions whose product overflows */
    private static Mutant shapeOverflow(byte[] original, SplittableRandom random) {
        JsonObject header = header(original);
        List<String> names = new ArrayList<>(header.keySet());
        names.remove("__metadata__");
        String name = names.get(random.nextInt(names.size()));
        long[][] shapes = {{1L << 62, 4}, {1L << 32, 1L << 32}, {1L << 61, 8, 0}, {-1, -1}};
        long[] shape = shapes[random.nextInt(shapes.length)];
        JsonArray dims = new JsonArray();
        Arrays.stream(shape).forEach(dims::add);
        header.getAsJsonObject(name).add("shape", dims);
        return new Mutant(
                "shape of " + name + " -> " + Arrays.toString(shape),
                withHeader(original, header.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** @return the file with its header's JSON mutated and the header length made to fit */
    private static Mutant headerJson(byte[] original, SplittableRandom random) {
        Mutant json = JsonMutations.any(header(original), random);
        return new Mutant("header: " + json.description(), withHeader(original, json.bytes()));
    }

    private static JsonObject header(byte[] file) {
        long length = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return JsonParser.parseString(new String(file, 8, (int) length, StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    /** @return the file with another header, padded to 8 bytes, before the same data */
    private static byte[] withHeader(byte[] file, byte[] json) {
        long length = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int data = file.length - 8 - (int) length;
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.position() < 8 + padded) {
            out.put((byte) ' ');
        }
        out.put(file, file.length - data, data);
        return out.array();
    }

    /** @return real files, as {@link SafeTensors#write} writes them */
    private List<byte[]> seeds() throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        Map<String, TensorData> model = new LinkedHashMap<>();
        model.put("01hidden1_weight", tensor(DataType.FLOAT32, new Shape(16, 8), random));
        model.put("01hidden1_bias", tensor(DataType.FLOAT32, new Shape(16), random));
        model.put("step", tensor(DataType.INT64, new Shape(), random));
        model.put("empty", tensor(DataType.FLOAT32, new Shape(0), random));
        Map<String, TensorData> mixed = new LinkedHashMap<>();
        for (DataType type :
                List.of(
                        DataType.FLOAT64,
                        DataType.FLOAT16,
                        DataType.INT8,
                        DataType.UINT8,
                        DataType.BOOLEAN,
                        DataType.INT32)) {
            mixed.put(type.toString(), tensor(type, new Shape(3, 2), random));
        }
        return List.of(
                write(model, Map.of("format", "pt", "producer", "kiln")),
                write(mixed, Map.of()),
                write(
                        Map.of("x", tensor(DataType.BFLOAT16, new Shape(1, 5, 1), random)),
                        Map.of("producer", "kiln")));
    }

    private static TensorData tensor(DataType type, Shape shape, SplittableRandom random) {
        byte[] data = new byte[(int) shape.size() * type.getNumOfBytes()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt(type == DataType.BOOLEAN ? 2 : 256);
        }
        return new TensorData(type, shape, data);
    }

    private byte[] write(Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        Path file = tmp.resolve("seed.safetensors");
        Files.deleteIfExists(file);
        try (FileChannel out =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafeTensors.write(tensors, metadata, out);
        }
        return Files.readAllBytes(file);
    }
}
