package dev.kiln.writers.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.events.EventStorage;
import dev.kiln.events.HistogramEvent;
import dev.kiln.writers.tensorboard.proto.DataType;
import dev.kiln.writers.tensorboard.proto.Event;
import dev.kiln.writers.tensorboard.proto.HParamsPluginData;
import dev.kiln.writers.tensorboard.proto.HistogramProto;
import dev.kiln.writers.tensorboard.proto.SessionLog;
import dev.kiln.writers.tensorboard.proto.Status;
import dev.kiln.writers.tensorboard.proto.Summary;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardWriterTest {

    @TempDir Path tmp;

    /** A plain loop, no trainer: scalars every step, a histogram every 5, a write every 10. */
    private static void loop(EventStorage storage, TensorBoardWriter writer, long from, long to) {
        Random random = new Random(from);
        for (long it = from; it < to; it++) {
            storage.setIter(it);
            storage.putScalar("loss", 100 - it + random.nextDouble());
            storage.putScalar("lr", it * 0.5, false);
            if (it % 5 == 0) {
                double[] weights = random.doubles(200, -3, 3).toArray();
                storage.putHistogram("weights", weights);
            }
            if ((it + 1) % 10 == 0) {
                writer.write(storage);
            }
        }
    }

    private static TensorBoardOptions options() {
        Map<String, Object> hparams = new LinkedHashMap<>();
        hparams.put("solver.base-lr", 0.05);
        hparams.put("solver.optimizer", "sgd");
        hparams.put("solver.nesterov", false);
        return TensorBoardOptions.defaults()
                .withWindow(4)
                .withQueueCapacity(1)
                .withConfigText("kiln {\n  seed = 42\n}")
                .withHparams(hparams);
    }

    @Test
    void aPlainLoopWritesScalarsHistogramsConfigAndHparams() throws Exception {
        Path dir = tmp.resolve("tb");
        EventStorage storage = new EventStorage();
        TensorBoardWriter writer = new TensorBoardWriter(dir, options());
        assertThat(dir).doesNotExist();
        Map<Long, Map<String, Double>> expected = new LinkedHashMap<>();
        for (long end = 10; end <= 30; end += 10) {
            loop(storage, writer, end - 10, end);
            Map<String, Double> atWrite = new LinkedHashMap<>();
            storage.latestWithSmoothingHint(4).forEach((k, v) -> atWrite.put(k, v.value()));
            expected.put(end - 1, atWrite);
            assertThat(storage.histograms()).as("cleared once taken").isEmpty();
        }
        writer.close();

        assertThat(writer.files()).hasSize(1);
        Path file = writer.files().get(0);
        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(file.getFileName().toString())
                .matches(
                        "events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+\\."
                                + ProcessHandle.current().pid()
                                + "\\.\\d+");
        List<Event> events = StrictEventReader.read(file);
        assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(0).getWallTime()).isGreaterThan(1.6e9);

        // scalars: the smoothed values at the iteration of each write, once each
        Map<Long, Map<String, Float>> scalars = EventFiles.scalars(events);
        assertThat(scalars.keySet()).containsExactly(9L, 19L, 29L);
        expected.forEach(
                (step, values) ->
                        values.forEach(
                                (tag, v) ->
                                        assertThat(scalars.get(step).get(tag))
                                                .as(tag + "@" + step)
                                                .isEqualTo(v.floatValue())));

        // six histograms, at iterations 0, 5, ..., 25
        List<EventFiles.Tagged> histos =
                EventFiles.values(events).stream()
                        .filter(t -> t.value().getValueCase() == Summary.Value.ValueCase.HISTO)
                        .toList();
        assertThat(histos)
                .extracting(EventFiles.Tagged::step)
                .containsExactly(0L, 5L, 10L, 15L, 20L, 25L);
        for (EventFiles.Tagged t : histos) {
            assertThat(t.value().getTag()).isEqualTo("weights");
            HistogramProto h = t.value().getHisto();
            assertThat(h.getNum()).isEqualTo(200);
            assertThat(h.getBucketList().stream().mapToDouble(Double::doubleValue).sum())
                    .isEqualTo(200);
            assertThat(h.getMin()).isBetween(-3.0, h.getMax());
        }

        // config text, for the text plugin
        EventFiles.Tagged config = EventFiles.tag(events, "config").orElseThrow();
        assertThat(config.value().getMetadata().getPluginData().getPluginName()).isEqualTo("text");
        assertThat(config.value().getTensor().getDtype()).isEqualTo(DataType.DT_STRING);
        assertThat(config.value().getTensor().getTensorShape().getDimCount()).isZero();
        assertThat(config.value().getTensor().getStringVal(0).toString(StandardCharsets.UTF_8))
                .isEqualTo("    kiln {\n      seed = 42\n    }");

        // hparams: start with the values, end as a success
        HParamsPluginData start =
                EventFiles.hparams(
                        EventFiles.tag(events, "_hparams_/session_start_info").orElseThrow());
        assertThat(
                        start.getSessionStartInfo()
                                .getHparamsMap()
                                .get("solver.base-lr")
                                .getNumberValue())
                .isEqualTo(0.05);
        assertThat(
                        start.getSessionStartInfo()
                                .getHparamsMap()
                                .get("solver.optimizer")
                                .getStringValue())
                .isEqualTo("sgd");
        assertThat(
                        start.getSessionStartInfo()
                                .getHparamsMap()
                                .get("solver.nesterov")
                                .getBoolValue())
                .isFalse();
        assertThat(start.getSessionStartInfo().getStartTimeSecs()).isGreaterThan(1.6e9);
        EventFiles.Tagged endTag =
                EventFiles.tag(events, "_hparams_/session_end_info").orElseThrow();
        assertThat(EventFiles.hparams(endTag).getSessionEndInfo().getStatus())
                .isEqualTo(Status.STATUS_SUCCESS);
        assertThat(endTag.step()).isEqualTo(29);
        assertThat(endTag.value().getTensor().getTensorShape().getDim(0).getSize()).isZero();
        // the end is the last record
        assertThat(events.get(events.size() - 1).getSummary().getValue(0).getTag())
                .isEqualTo("_hparams_/session_end_info");
    }

    @Test
    void histogramBucketsKeepTensorBoardsDefaultEdgesWithEmptyRunsCollapsed() {
        double[] values = {-2.0, -2.0, 0.0, 1e-3, 5.0, 5.0, 5.0};
        HistogramEvent event = HistogramEvent.of("h", 3, values);
        HistogramProto proto = SummaryEvents.histogramProto(event);
        double[] edges = HistogramEvent.defaultBucketEdges();
        List<Double> limits = proto.getBucketLimitList();
        List<Double> counts = proto.getBucketList();
        assertThat(limits).isSorted().doesNotHaveDuplicates();
        assertThat(limits.get(limits.size() - 1)).isEqualTo(Double.MAX_VALUE);
        assertThat(counts.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(7);
        // every limit is a default edge, and every value lies in its bucket: [previous, limit)
        for (int i = 0; i < limits.size(); i++) {
            assertThat(Arrays.binarySearch(edges, limits.get(i))).isNotNegative();
        }
        for (double v : values) {
            int bucket = 0;
            while (limits.get(bucket) <= v) {
                bucket++;
            }
            double left = bucket == 0 ? -Double.MAX_VALUE : limits.get(bucket - 1);
            assertThat(v).isGreaterThanOrEqualTo(left).isLessThan(limits.get(bucket));
            assertThat(counts.get(bucket)).isPositive();
            // the bucket is exactly one default bucket wide
            int edge = Arrays.binarySearch(edges, limits.get(bucket));
            assertThat(left).isEqualTo(edges[edge - 1]);
        }
        // non-empty buckets: -2 (x2), 0, 1e-3, 5 (x3); empty runs before, between and after them
        assertThat(counts.stream().filter(c -> c > 0)).containsExactly(2.0, 1.0, 1.0, 3.0);
        assertThat(counts).hasSize(4 + 5);
        assertThat(proto.getMin()).isEqualTo(-2.0);
        assertThat(proto.getMax()).isEqualTo(5.0);
        assertThat(proto.getSum()).isEqualTo(event.sum());
        assertThat(proto.getSumSquares()).isEqualTo(event.sumSquares());
    }

    @Test
    void writeHandsOverAndFlushWaitsUntilTheFileHoldsIt() throws Exception {
        EventStorage storage = new EventStorage();
        TensorBoardWriter writer =
                new TensorBoardWriter(tmp, TensorBoardOptions.defaults().withQueueCapacity(1));
        for (int it = 0; it < 50; it++) {
            storage.setIter(it);
            storage.putScalar("loss", it);
            writer.write(storage);
        }
        writer.flush();
        List<Event> events = StrictEventReader.read(writer.files().get(0));
        assertThat(EventFiles.scalars(events)).hasSize(50);
        writer.close();
        writer.close(); // twice is harmless
    }

    @Test
    void aResumedRunStartsANewFileBeginningWithASessionStartAtTheResumeIteration()
            throws Exception {
        EventStorage storage = new EventStorage();
        TensorBoardWriter first = new TensorBoardWriter(tmp, options());
        loop(storage, first, 0, 40);
        first.close();

        TensorBoardWriter resumed = new TensorBoardWriter(tmp, options());
        resumed.resumeAt(30);
        loop(new EventStorage(30), resumed, 30, 50);
        resumed.close();

        try (var listing = Files.list(tmp)) {
            assertThat(
                            listing.filter(
                                    p ->
                                            p.getFileName()
                                                    .toString()
                                                    .startsWith("events.out.tfevents.")))
                    .hasSize(2);
        }
        Path second = resumed.files().get(0);
        assertThat(second).isNotEqualTo(first.files().get(0));
        List<Event> events = StrictEventReader.read(second);
        assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(1).getSessionLog().getStatus())
                .isEqualTo(SessionLog.SessionStatus.START);
        assertThat(events.get(1).getStep()).isEqualTo(30);
        assertThat(EventFiles.scalars(events).keySet()).containsExactly(39L, 49L);
        assertThat(EventFiles.tag(events, "config"))
                .get()
                .extracting(EventFiles.Tagged::step)
                .isEqualTo(30L);
    }

    @Test
    void resumingAWriterThatHasAFileOpenClosesItAndOpensAnother() throws Exception {
        EventStorage storage = new EventStorage();
        TensorBoardWriter writer = new TensorBoardWriter(tmp);
        loop(storage, writer, 0, 20);
        writer.resumeAt(10);
        loop(new EventStorage(10), writer, 10, 20);
        writer.close();
        assertThat(writer.files()).hasSize(2).doesNotHaveDuplicates();
        assertThat(EventFiles.scalars(StrictEventReader.read(writer.files().get(0))).keySet())
                .containsExactly(9L, 19L);
        assertThat(EventFiles.scalars(StrictEventReader.read(writer.files().get(1))).keySet())
                .containsExactly(19L);
    }

    @Test
    void aFailedSessionIsRecordedAsSuch() throws Exception {
        EventStorage storage = new EventStorage();
        TensorBoardWriter writer = new TensorBoardWriter(tmp, options());
        loop(storage, writer, 0, 10);
        writer.markFailed();
        writer.close();
        List<Event> events = StrictEventReader.read(writer.files().get(0));
        HParamsPluginData end =
                EventFiles.hparams(
                        EventFiles.tag(events, "_hparams_/session_end_info").orElseThrow());
        assertThat(end.getSessionEndInfo().getStatus()).isEqualTo(Status.STATUS_FAILURE);
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsReportedOnTheFirstWrite() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("plain-file"), "x");
        TensorBoardWriter writer = new TensorBoardWriter(notADir.resolve("tb"));
        EventStorage storage = new EventStorage();
        storage.putScalar("loss", 1);
        assertThatThrownBy(() -> writer.write(storage))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith(
                        "cannot create a TensorBoard event file in " + notADir.resolve("tb"));
        writer.close();
    }

    @Test
    void hyperparametersComeFromConfigKeysUnderKilnAndMissingOnesAreLeftOut() {
        com.typesafe.config.Config config =
                com.typesafe.config.ConfigFactory.parseString(
                        "kiln { seed = 7, engine = MXNet, a.b = true, sizes = [1, 2], obj { x = 1 } }");
        Map<String, Object> values =
                TensorBoardWriter.chosenValues(
                        config.getConfig("kiln"),
                        List.of("sizes", "seed", "missing", "engine", "a.b", "obj"));
        assertThat(values)
                .containsExactly(
                        Map.entry("sizes", "[1,2]"),
                        Map.entry("seed", 7),
                        Map.entry("engine", "MXNet"),
                        Map.entry("a.b", true),
                        Map.entry("obj", "{\"x\":1}"));
    }

    @Test
    void badOptionsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> TensorBoardOptions.defaults().withWindow(0))
                .hasMessage("kiln.tensorboard.window must be at least 1, was 0");
        assertThatThrownBy(() -> TensorBoardOptions.defaults().withQueueCapacity(0))
                .hasMessage("kiln.tensorboard.queue-capacity must be at least 1, was 0");
        assertThatThrownBy(() -> TensorBoardOptions.defaults().withHparams(Map.of("x", List.of(1))))
                .hasMessageStartingWith("hyperparameter 'x' must be a String, Number or Boolean");
    }
}
