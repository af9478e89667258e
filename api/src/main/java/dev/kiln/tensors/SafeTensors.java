package dev.kiln.tensors;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format, which Python's {@code safetensors} package reads: an 8-byte
 * little-endian header length, a JSON header mapping each name to {@code dtype}, {@code shape} and
 * {@code data_offsets} (plus string {@code __metadata__}), padded with spaces to 8 bytes, then the
 * arrays' little-endian bytes back to back. Reading checks every offset and size against the file
 * and never runs code.
 */
public final class SafeTensors {

    /** The largest header accepted, as in the reference implementation. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final String METADATA = "__metadata__";

    private static final Map<DataType, String> CODES = new LinkedHashMap<>();

    static {
        CODES.put(DataType.FLOAT32, "F32");
        CODES.put(DataType.FLOAT64, "F64");
        CODES.put(DataType.FLOAT16, "F16");
        CODES.put(DataType.BFLOAT16, "BF16");
        CODES.put(DataType.INT64, "I64");
        CODES.put(DataType.INT32, "I32");
        CODES.put(DataType.INT16, "I16");
        CODES.put(DataType.INT8, "I8");
        CODES.put(DataType.UINT64, "U64");
        CODES.put(DataType.UINT32, "U32");
        CODES.put(DataType.UINT16, "U16");
        CODES.put(DataType.UINT8, "U8");
        CODES.put(DataType.BOOLEAN, "BOOL");
    }

    private SafeTensors() {}

    /**
     * Writes arrays in the safetensors format, in the order given.
     *
     * @param tensors the arrays by name
     * @param metadata string metadata for {@code __metadata__}, written in key order; may be empty
     * @param out where to write; not closed
     * @return the number of bytes written
     * @throws IOException if writing fails
     */
    public static long write(
            Map<String, TensorData> tensors, Map<String, String> metadata, WritableByteChannel out)
            throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty); // sorted: the same bytes every run
            header.add(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> entry : tensors.entrySet()) {
            if (entry.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("an array may not be named " + METADATA);
            }
            TensorData tensor = entry.getValue();
            JsonObject info = new JsonObject();
            info.addProperty("dtype", code(tensor.dataType(), entry.getKey()));
            JsonArray shape = new JsonArray();
            for (long dim : tensor.shape().getShape()) {
                shape.add(dim);
            }
            info.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += tensor.data().length;
            offsets.add(offset);
            info.add("data_offsets", offsets);
            header.add(entry.getKey(), info);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        long written = writeFully(out, head);
        for (TensorData tensor : tensors.values()) {
            written += writeFully(out, ByteBuffer.wrap(tensor.data()));
        }
        return written;
    }

    /**
     * Reads every array of a safetensors file.
     *
     * @param file the file
     * @return the arrays by name, in the order of their bytes in the file
     * @throws TensorFileException naming the file if it is not a complete, well-formed safetensors
     *     file
     */
    public static Map<String, TensorData> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = header(file, channel);
            Map<String, TensorData> result = new LinkedHashMap<>();
            for (Entry entry : header.entries) {
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(entry.end - entry.begin));
                readFully(channel, data, header.dataStart + entry.begin);
                result.put(entry.name, new TensorData(entry.dataType, entry.shape, data.array()));
            }
            return result;
        } catch (IOException e) {
            throw new TensorFileException("cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Checks a safetensors file without reading its arrays: the header, every entry's type and
     * shape, and that the entries' offsets cover the file's data exactly, as {@link #read} does.
     *
     * @param file the file
     * @return the arrays' shapes by name, in the order of their bytes in the file
     * @throws TensorFileException naming the file and what is wrong, if it is missing, unreadable,
     *     not a safetensors file or truncated
     */
    public static Map<String, Shape> check(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, Shape> shapes = new LinkedHashMap<>();
            for (Entry entry : header(file, channel).entries) {
                shapes.put(entry.name, entry.shape);
            }
            return shapes;
        } catch (NoSuchFileException e) {
            throw new TensorFileException(file + " does not exist", e);
        } catch (IOException e) {
            throw new TensorFileException("cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Checks a safetensors file as {@link #check} does, and gives each array's type.
     *
     * @param file the file
     * @return the arrays' types by name, in the order of their bytes in the file
     * @throws TensorFileException naming the file and what is wrong, as {@link #check} does
     */
    public static Map<String, DataType> dataTypes(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, DataType> types = new LinkedHashMap<>();
            for (Entry entry : header(file, channel).entries) {
                types.put(entry.name, entry.dataType);
            }
            return types;
        } catch (NoSuchFileException e) {
            throw new TensorFileException(file + " does not exist", e);
        } catch (IOException e) {
            throw new TensorFileException("cannot read " + file + ": " + e, e);
        }
    }

    private record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {}

    private static Header header(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw invalid(file, "it has " + size + " bytes, fewer than the 8 of a header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            String text = asText(lengthBytes.array());
            if (text != null) {
                throw invalid(
                        file,
                        "it begins with text (\""
                                + text
                                + "\"), not with the 8-byte header length of a safetensors file");
            }
            throw invalid(
                    file,
                    "the header length "
                            + headerLength
                            + " does not fit the file of "
                            + size
                            + " bytes (truncated?)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        JsonObject header = parseHeader(file, headerBytes.array());
        long dataStart = 8 + headerLength;
        return new Header(
                entries(file, header, size - dataStart), metadata(file, header), dataStart);
    }

    /** @return the bytes as text when they are all printable ASCII, else null */
    private static String asText(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            if (b == '\n' || b == '\r' || b == '\t') {
                text.append(' ');
            } else if (b >= 0x20 && b < 0x7f) {
                text.append((char) b);
            } else {
                return null;
            }
        }
        return text.toString();
    }

    /**
     * Reads the string metadata of a safetensors file, checking the header as {@link #check} does.
     *
     * @param file the file
     * @return the {@code __metadata__} entries; empty if there are none
     * @throws TensorFileException naming the file and what is wrong, if it is unreadable or not a
     *     well-formed safetensors file, or its metadata is not an object of strings
     */
    public static Map<String, String> metadata(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(file, channel).metadata;
        } catch (IOException e) {
            throw new TensorFileException("cannot read " + file + ": " + e, e);
        }
    }

    /** @return the string entries of {@code __metadata__}, which must hold only strings */
    private static Map<String, String> metadata(Path file, JsonObject header) {
        Map<String, String> result = new LinkedHashMap<>();
        JsonElement metadata = header.get(METADATA);
        if (metadata == null) {
            return result;
        }
        if (!metadata.isJsonObject()) {
            throw invalid(file, METADATA + " is " + brief(metadata) + ", not an object of strings");
        }
        for (Map.Entry<String, JsonElement> e : metadata.getAsJsonObject().entrySet()) {
            JsonElement value = e.getValue();
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw invalid(
                        file,
                        METADATA
                                + " holds "
                                + e.getKey()
                                + " = "
                                + brief(value)
                                + ", not a string");
            }
            result.put(e.getKey(), value.getAsString());
        }
        return result;
    }

    private record Entry(String name, DataType dataType, Shape shape, long begin, long end) {}

    private static JsonObject parseHeader(Path file, byte[] bytes) {
        try {
            JsonElement parsed =
                    JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8).strip());
            if (!parsed.isJsonObject()) {
                throw invalid(file, "the header is not a JSON object");
            }
            return parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw invalid(file, "the header is not valid JSON: " + e.getMessage());
        }
    }

    private static List<Entry> entries(Path file, JsonObject header, long dataLength) {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> item : header.entrySet()) {
            String name = item.getKey();
            if (name.equals(METADATA)) {
                continue;
            }
            try {
                entries.add(entry(file, name, item.getValue(), dataLength));
            } catch (RuntimeException e) {
                if (e instanceof TensorFileException c) {
                    throw c;
                }
                throw invalid(file, name + " has a malformed entry: " + e);
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        long next = 0;
        for (Entry entry : entries) {
            if (entry.begin != next) {
                throw invalid(file, "the arrays' bytes overlap or leave a gap at " + entry.name);
            }
            next = entry.end;
        }
        if (next != dataLength) {
            throw invalid(
                    file, "the arrays cover " + next + " bytes but the file holds " + dataLength);
        }
        return entries;
    }

    private static Entry entry(Path file, String name, JsonElement value, long dataLength) {
        if (!value.isJsonObject()) {
            throw invalid(
                    file,
                    name
                            + " has a malformed entry: "
                            + brief(value)
                            + " is not an object of dtype, shape and data_offsets");
        }
        JsonObject info = value.getAsJsonObject();
        JsonElement code = info.get("dtype");
        DataType type =
                code != null && code.isJsonPrimitive() && code.getAsJsonPrimitive().isString()
                        ? dataType(code.getAsString())
                        : null;
        if (type == null) {
            throw invalid(
                    file,
                    name
                            + " has the unknown dtype "
                            + brief(code)
                            + " (expected one of "
                            + CODES.values()
                            + ")");
        }
        long[] shape = numbers(file, name, "shape", info.get("shape"), -1);
        long elements = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw invalid(file, name + " has a negative dimension");
            }
            try {
                elements = Math.multiplyExact(elements, dim);
            } catch (ArithmeticException e) {
                throw invalid(file, name + " has too many elements: " + Arrays.toString(shape));
            }
        }
        long[] offsets = numbers(file, name, "data_offsets", info.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        Shape s = new Shape(shape);
        if (begin < 0
                || end < begin
                || end > dataLength
                || elements > dataLength
                || end - begin != elements * type.getNumOfBytes()) {
            throw invalid(
                    file,
                    name
                            + " has data_offsets "
                            + brief(info.get("data_offsets"))
                            + " that do not fit its "
                            + type
                            + s
                            + " in "
                            + dataLength
                            + " bytes of data (truncated?)");
        }
        return new Entry(name, type, s, begin, end);
    }

    /**
     * @param count how many numbers are expected, or -1 for any number
     * @return the whole numbers of a JSON array
     */
    private static long[] numbers(
            Path file, String name, String key, JsonElement value, int count) {
        if (value == null
                || !value.isJsonArray()
                || (count >= 0 && value.getAsJsonArray().size() != count)) {
            throw invalid(
                    file,
                    name
                            + " has the "
                            + key
                            + " "
                            + brief(value)
                            + ", not an array of "
                            + (count >= 0 ? count + " " : "")
                            + "whole numbers");
        }
        JsonArray array = value.getAsJsonArray();
        long[] numbers = new long[array.size()];
        for (int i = 0; i < numbers.length; i++) {
            JsonElement n = array.get(i);
            try {
                if (!n.isJsonPrimitive() || !n.getAsJsonPrimitive().isNumber()) {
                    throw new NumberFormatException();
                }
                numbers[i] = new BigDecimal(n.getAsString()).longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw invalid(
                        file,
                        name
                                + " has the "
                                + key
                                + " "
                                + brief(value)
                                + ": "
                                + brief(n)
                                + " is not a whole number");
            }
        }
        return numbers;
    }

    /** @return a JSON value's text, shortened for a message */
    private static String brief(JsonElement value) {
        String text = String.valueOf(value);
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static String code(DataType type, String name) {
        String code = CODES.get(type);
        if (code == null) {
            throw new IllegalArgumentException(name + ": safetensors cannot hold " + type);
        }
        return code;
    }

    private static DataType dataType(String code) {
        for (Map.Entry<DataType, String> entry : CODES.entrySet()) {
            if (entry.getValue().equals(code)) {
                return entry.getKey();
            }
        }
        return null;
    }

    private static TensorFileException invalid(Path file, String why) {
        return new TensorFileException(file + " is not a valid safetensors file: " + why);
    }

    private static long writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
        long n = buffer.remaining();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        return n;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }
}
