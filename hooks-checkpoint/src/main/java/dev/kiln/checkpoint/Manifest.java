package dev.kiln.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The list of a checkpoint's files with each one's size and CRC-32C, written last into the
 * checkpoint ({@code manifest.json}) and checked on every load: a truncated or changed file is
 * found and named.
 *
 * @param files each file's size and checksum, by file name
 */
record Manifest(Map<String, FileSum> files) {

    /** The manifest's file name inside a checkpoint. */
    static final String FILE = "manifest.json";

    /** A CRC-32C as written: 8 hex digits. */
    private static final Pattern CRC = Pattern.compile("[0-9a-fA-F]{8}");

    /** The format version written. */
    static final int FORMAT = 1;

    /**
     * A file's size and checksum.
     *
     * @param bytes the size
     * @param crc32c the CRC-32C of the content
     */
    record FileSum(long bytes, long crc32c) {}

    /** @return the manifest as JSON text */
    String toJson() {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        JsonObject list = new JsonObject();
        files.forEach(
                (name, sum) -> {
                    JsonObject entry = new JsonObject();
                    entry.addProperty("bytes", sum.bytes());
                    entry.addProperty("crc32c", hex(sum.crc32c()));
                    list.add(name, entry);
                });
        root.add("files", list);
        return root + "\n";
    }

    /**
     * Reads a checkpoint's manifest and checks every file it lists against it.
     *
     * @param checkpoint the checkpoint directory
     * @return the manifest
     * @throws CheckpointException naming the checkpoint and the file that is missing or differs
     */
    static Manifest verify(Path checkpoint) {
        Manifest manifest = read(checkpoint);
        for (Map.Entry<String, FileSum> entry : manifest.files.entrySet()) {
            Path file = checkpoint.resolve(entry.getKey());
            FileSum actual;
            try {
                actual = sum(file);
            } catch (NoSuchFileException e) {
                throw damaged(checkpoint, entry.getKey() + " is missing");
            } catch (IOException e) {
                throw new CheckpointException(
                        "checkpoint " + checkpoint + ": cannot read " + entry.getKey() + ": " + e,
                        e);
            }
            FileSum expected = entry.getValue();
            if (actual.bytes() != expected.bytes()) {
                throw damaged(
                        checkpoint,
                        entry.getKey()
                                + " has "
                                + actual.bytes()
                                + " bytes, not the "
                                + expected.bytes()
                                + " written (truncated?)");
            }
            if (actual.crc32c() != expected.crc32c()) {
                throw damaged(
                        checkpoint,
                        entry.getKey()
                                + " does not match its checksum (CRC-32C "
                                + hex(actual.crc32c())
                                + ", written "
                                + hex(expected.crc32c())
                                + ")");
            }
        }
        return manifest;
    }

    private static Manifest read(Path checkpoint) {
        Path path = checkpoint.resolve(FILE);
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw damaged(checkpoint, FILE + " is missing: the checkpoint is incomplete");
        } catch (CharacterCodingException e) {
            throw damaged(checkpoint, FILE + " is not UTF-8 text: " + e);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + checkpoint + ": cannot read " + FILE, e);
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw damaged(checkpoint, FILE + " is not valid JSON: " + e.getMessage());
        }
        JsonElement list = root.isJsonObject() ? root.getAsJsonObject().get("files") : null;
        if (list == null || !list.isJsonObject()) {
            throw notValid(
                    checkpoint, "it has no object \"files\" of each file's bytes and crc32c");
        }
        Map<String, FileSum> files = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : list.getAsJsonObject().entrySet()) {
            String name = e.getKey();
            if (!isFileName(name)) {
                throw notValid(
                        checkpoint,
                        "it lists \""
                                + name
                                + "\", which is not the name of a file in the checkpoint");
            }
            JsonElement entry = e.getValue();
            JsonElement bytes = entry.isJsonObject() ? entry.getAsJsonObject().get("bytes") : null;
            JsonElement crc = entry.isJsonObject() ? entry.getAsJsonObject().get("crc32c") : null;
            long size = bytes == null ? -1 : wholeNumber(bytes);
            if (size < 0 || crc == null || !isCrc(crc)) {
                throw notValid(
                        checkpoint,
                        name
                                + " is "
                                + brief(entry)
                                + ", not {\"bytes\": <a size>, \"crc32c\": \"<8 hex digits>\"}");
            }
            files.put(name, new FileSum(size, Long.parseLong(crc.getAsString(), 16)));
        }
        return new Manifest(files);
    }

    /** @return whether the name is that of a file directly inside the checkpoint */
    private static boolean isFileName(String name) {
        return !name.isEmpty()
                && !name.equals(".")
                && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == '\\' || c == ':' || c < 0x20);
    }

    /** @return the value as a whole number of at least 0, or -1 when it is none */
    private static long wholeNumber(JsonElement value) {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            return -1;
        }
        try {
            return Math.max(-1, new BigDecimal(value.getAsString()).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    private static boolean isCrc(JsonElement value) {
        return value.isJsonPrimitive()
                && value.getAsJsonPrimitive().isString()
                && CRC.matcher(value.getAsString()).matches();
    }

    private static String brief(JsonElement value) {
        String text = value.toString();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static CheckpointException notValid(Path checkpoint, String why) {
        return damaged(checkpoint, FILE + " is not a valid manifest: " + why);
    }

    /**
     * Computes a file's size and CRC-32C.
     *
     * @param file the file
     * @return its sum
     * @throws IOException if it cannot be read
     */
    static FileSum sum(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long bytes = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
                bytes += n;
            }
        }
        return new FileSum(bytes, crc.getValue());
    }

    private static String hex(long crc) {
        return String.format(Locale.ROOT, "%08x", crc);
    }

    private static CheckpointException damaged(Path checkpoint, String why) {
        return new CheckpointException("checkpoint " + checkpoint + " is damaged: " + why);
    }
}
