package dev.kiln.writers.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.testkit.TestData;
import dev.kiln.writers.tensorboard.proto.Event;
import dev.kiln.writers.tensorboard.proto.SessionLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resume path through the trainer and the periodic writer, as a resumed run takes it: a run
 * that got to iteration 39 and was killed in the middle of a write, then a run resuming from a
 * checkpoint of iteration 19 (training starts at 20). No checkpoint is involved: what the writers
 * see is the start iteration alone.
 */
class ResumedRunTest {

    @TempDir Path tmp;

    private KilnRun run(String engine, Path out) throws Exception {
        Path digits = TestData.digits40(tmp.resolve("data"));
        return KilnRun.builder()
                .overrides(
                        List.of(
                                "kiln.engine=" + engine,
                                "kiln.data.train.path=\"" + digits + "\"",
                                "kiln.solver.max-iter=50",
                                "kiln.solver.batch-size=8",
                                "kiln.model.hidden-sizes=[16]",
                                "kiln.writers=[json, tensorboard]",
                                "kiln.writer-period=10",
                                "kiln.output-dir=\"" + out + "\""))
                .load();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aResumedRunLeavesEachIterationOnceInMetricsJsonAndStartsANewEventFile(String engine)
            throws Exception {
        Path out = tmp.resolve("run");
        try (KilnRun run = run(engine, out);
                DefaultTrainer first = new DefaultTrainer(run.config(), run.registry())) {
            first.setUp();
            first.trainer().train(0, 40);
        }
        Path metrics = out.resolve("metrics.json");
        Files.writeString(metrics, "{\"data_time\":0.1,\"itera", StandardOpenOption.APPEND);

        try (KilnRun run = run(engine, out);
                DefaultTrainer resumed = new DefaultTrainer(run.config(), run.registry())) {
            resumed.setUp();
            resumed.trainer().train(20, 50);
        }

        List<Long> iterations =
                Files.readAllLines(metrics).stream()
                        .map(
                                l ->
                                        JsonParser.parseString(l)
                                                .getAsJsonObject()
                                                .get("iteration")
                                                .getAsLong())
                        .toList();
        assertThat(iterations).containsExactly(9L, 19L, 29L, 39L, 49L);

        List<Path> files;
        try (Stream<Path> list = Files.list(out)) {
            files =
                    list.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                            .sorted()
                            .toList();
        }
        assertThat(files).hasSize(2);
        List<List<Event>> read = files.stream().map(ResumedRunTest::read).toList();
        // the resumed file is the one that starts with a session START at 20
        List<Event> second =
                read.stream().filter(e -> e.get(1).hasSessionLog()).findFirst().orElseThrow();
        List<Event> first = read.get(read.get(0) == second ? 1 : 0);
        assertThat(second.get(1).getSessionLog().getStatus())
                .isEqualTo(SessionLog.SessionStatus.START);
        assertThat(second.get(1).getStep()).isEqualTo(20);
        assertThat(EventFiles.scalars(first).keySet()).containsExactly(9L, 19L, 29L, 39L);
        assertThat(EventFiles.scalars(second).keySet()).containsExactly(29L, 39L, 49L);
    }

    private static List<Event> read(Path file) {
        try {
            return StrictEventReader.read(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
