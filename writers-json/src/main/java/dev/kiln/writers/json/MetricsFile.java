package dev.kiln.writers.json;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSyntaxException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Crash-safe truncation of a {@code metrics.json} for a resumed run. */
final class MetricsFile {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsFile.class);

    private MetricsFile() {}

    /**
     * Rewrites {@code file} keeping only the lines whose {@code iteration} is below {@code
     * iteration}: into {@code <file>.tmp}, synced, renamed atomically over the file, and the
     * directory synced. A last line without its newline (a write torn by a crash) is dropped.
     *
     * @param file the metrics file; nothing happens if it does not exist
     * @param iteration the first iteration to drop
     * @throws IOException if reading or writing fails
     * @throws MetricsFileException if a complete line is not a JSON object with an iteration
     */
    static void truncate(Path file, long iteration) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        StringBuilder kept = new StringBuilder(text.length());
        int dropped = 0;
        int lineNo = 0;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            lineNo++;
            if (end < 0) {
                LOG.warn(
                        "{}:{}: dropping an incomplete last line (a write cut short)",
                        file,
                        lineNo);
                dropped++;
                break;
            }
            String line = text.substring(start, end);
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            if (iterationOf(line, file, lineNo) < iteration) {
                kept.append(line).append('\n');
            } else {
                dropped++;
            }
        }
        if (dropped == 0) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel =
                        FileChannel.open(
                                tmp,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING,
                                StandardOpenOption.WRITE);
                OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            out.write(kept.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.toAbsolutePath().getParent());
        LOG.info(
                "{}: dropped {} line(s) at or after iteration {} to resume",
                file,
                dropped,
                iteration);
    }

    private static long iterationOf(String line, Path file, int lineNo) {
        try {
            JsonElement json = JsonParser.parseString(line);
            if (json.isJsonObject()) {
                JsonElement it = json.getAsJsonObject().get("iteration");
                if (it != null && it.isJsonPrimitive() && ((JsonPrimitive) it).isNumber()) {
                    double value = it.getAsDouble();
                    if (value == Math.rint(value)) {
                        return (long) value;
                    }
                }
            }
        } catch (JsonSyntaxException e) {
            // reported below
        }
        throw new MetricsFileException(
                file
                        + ":"
                        + lineNo
                        + ": not a JSON object with a whole-number \"iteration\", so the file"
                        + " cannot be continued: "
                        + abbreviate(line)
                        + " (fix or remove the line, or start a new output directory)");
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }

    /** Makes the rename durable; some platforms cannot open a directory, which is harmless. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }
}
