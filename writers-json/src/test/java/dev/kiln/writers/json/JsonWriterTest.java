package dev.kiln.writers.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.events.EventStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonWriterTest {

    @TempDir Path tmp;

    private List<JsonObject> lines(Path file) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(JsonParser.parseString(line).getAsJsonObject());
        }
        return out;
    }

    /** A plain loop without a trainer: put scalars each step, write every 10 steps. */
    private static void loop(EventStorage storage, JsonWriter writer, long from, long to) {
        for (long it = from; it < to; it++) {
            storage.setIter(it);
            storage.putScalar("loss", 100 - it);
            storage.putScalar("lr", it * 0.5, false);
            if ((it + 1) % 10 == 0) {
                writer.write(storage);
            }
        }
    }

    @Test
    void writesOneSortedLinePerWrittenIterationWithSmoothedAndRawValues() throws Exception {
        Path dir = tmp.resolve("not-yet-there");
        EventStorage storage = new EventStorage();
        try (JsonWriter writer = new JsonWriter(dir, 4)) {
            assertThat(dir).doesNotExist();
            loop(storage, writer, 0, 20);
        }
        List<String> text = Files.readAllLines(dir.resolve("metrics.json"));
        // keys sorted, iteration a whole number; loss: median of 91..94 at iteration 9
        assertThat(text.get(0)).isEqualTo("{\"iteration\":9,\"loss\":92.5,\"lr\":4.5}");
        assertThat(text.get(1)).isEqualTo("{\"iteration\":19,\"loss\":82.5,\"lr\":9.5}");
        assertThat(text).hasSize(2);
    }

    @Test
    void aScalarLastPutAtAnotherIterationGetsItsOwnLineAndNothingIsWrittenTwice() throws Exception {
        EventStorage storage = new EventStorage();
        JsonWriter writer = new JsonWriter(tmp);
        storage.setIter(3);
        storage.putScalar("accuracy", 0.75, false);
        storage.setIter(5);
        storage.putScalar("loss", 1.0);
        storage.putScalar("weird", Double.NaN, false);
        writer.write(storage);
        writer.write(storage); // nothing new
        storage.setIter(6);
        storage.putScalar("loss", 3.0);
        writer.write(storage);
        writer.close();
        List<JsonObject> lines = lines(tmp.resolve("metrics.json"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("iteration").getAsLong()).isEqualTo(3);
        assertThat(lines.get(0).keySet()).containsExactly("accuracy", "iteration");
        assertThat(lines.get(1).get("iteration").getAsLong()).isEqualTo(5);
        assertThat(lines.get(1).get("weird").getAsDouble()).isNaN();
        assertThat(lines.get(2).get("iteration").getAsLong()).isEqualTo(6);
        assertThat(lines.get(2).keySet()).containsExactly("iteration", "loss");
        assertThat(lines.get(2).get("loss").getAsDouble()).isEqualTo(2.0); // median of 1 and 3
    }

    @Test
    void everyWriteIsFlushedBeforeClose() throws Exception {
        EventStorage storage = new EventStorage();
        JsonWriter writer = new JsonWriter(tmp);
        storage.putScalar("loss", 1.0);
        writer.write(storage);
        assertThat(Files.readString(tmp.resolve("metrics.json")))
                .isEqualTo("{\"iteration\":0,\"loss\":1.0}\n");
        writer.close();
    }

    @Test
    void resumeDropsEveryLineFromTheResumeIterationOnSoEachIterationIsThereOnce() throws Exception {
        Path file = tmp.resolve("metrics.json");
        try (JsonWriter first = new JsonWriter(tmp)) {
            loop(new EventStorage(), first, 0, 60); // lines at 9, 19, ..., 59
        }
        // a crash during a write leaves a torn last line
        Files.writeString(file, "{\"iteration\":69,\"lo", java.nio.file.StandardOpenOption.APPEND);

        // the run resumes from a checkpoint taken after iteration 29
        try (JsonWriter resumed = new JsonWriter(tmp)) {
            resumed.resumeAt(30);
            assertThat(lines(file).stream().map(l -> l.get("iteration").getAsLong()))
                    .containsExactly(9L, 19L, 29L);
            loop(new EventStorage(30), resumed, 30, 60);
        }
        assertThat(lines(file).stream().map(l -> l.get("iteration").getAsLong()))
                .containsExactly(9L, 19L, 29L, 39L, 49L, 59L);
        assertThat(tmp.resolve("metrics.json.tmp")).doesNotExist();
    }

    @Test
    void resumeWithoutAFileOrWithNothingToDropLeavesTheFileAsItIs() throws Exception {
        JsonWriter writer = new JsonWriter(tmp);
        writer.resumeAt(10);
        assertThat(tmp.resolve("metrics.json")).doesNotExist();
        Path file = tmp.resolve("metrics.json");
        Files.writeString(file, "{\"iteration\":4,\"loss\":1.0}\n");
        long modified = Files.getLastModifiedTime(file).toMillis();
        writer.resumeAt(10);
        assertThat(Files.readString(file)).isEqualTo("{\"iteration\":4,\"loss\":1.0}\n");
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified);
    }

    @Test
    void aBrokenCompleteLineStopsTheResumeNamingFileAndLineAndChangesNothing() throws Exception {
        Path file = tmp.resolve("metrics.json");
        String text = "{\"iteration\":4,\"loss\":1.0}\nnot json\n{\"iteration\":9,\"loss\":1.0}\n";
        Files.writeString(file, text);
        JsonWriter writer = new JsonWriter(tmp);
        assertThatThrownBy(() -> writer.resumeAt(5))
                .isInstanceOf(MetricsFileException.class)
                .hasMessageStartingWith(
                        file + ":2: not a JSON object with a whole-number \"iteration\"");
        Files.writeString(file, "{\"loss\":1.0}\n");
        assertThatThrownBy(() -> writer.resumeAt(5)).hasMessageContaining(file + ":1: ");
        assertThat(Files.readString(file)).isEqualTo("{\"loss\":1.0}\n");
    }

    @Test
    void aWindowBelowOneIsRefused() {
        assertThatThrownBy(() -> new JsonWriter(tmp, 0))
                .hasMessage("kiln.json.window must be at least 1, was 0");
    }
}
