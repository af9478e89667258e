package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kiln.testkit.KilnCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built distribution killed and resumed: SIGKILL at a random iteration, then {@code --resume},
 * ends with a {@code model_final} whose parameters are bitwise equal to an uninterrupted run's;
 * SIGTERM finishes the step, saves and exits 143, and that checkpoint resumes the same way. The
 * quickstart MLP (no dropout) on the digits data, on both engines.
 */
class CheckpointIT {

    private static final Pattern ITER = Pattern.compile("iter: (\\d+)");
    private static final int MAX_ITER = 1500;

    @TempDir Path tmp;

    private List<String> command(Path outputDir, String engine, String... more) {
        List<String> command = new ArrayList<>();
        command.add("train");
        command.add("--config");
        command.add("examples/digits/digits-mlp.conf");
        command.add("--engine");
        command.add(engine);
        command.add("--output-dir");
        command.add(outputDir.toString());
        // The schedule and the metrics files show that a resumed run continues the same curve and
        // reads as one run: every iteration once in metrics.json, a new event file per run.
        command.add("kiln.hooks=[lr-scheduler, checkpoint]");
        command.add("kiln.lr-schedule.type=cosine");
        command.add("kiln.writers=[console, json, tensorboard]");
        command.add("kiln.checkpoint.period=100");
        command.add("kiln.solver.max-iter=" + MAX_ITER);
        command.add("kiln.writer-period=10");
        command.addAll(List.of(more));
        return command;
    }

    /** Starts {@code bin/kiln} with the arguments, its two streams merged into one. */
    static Process start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(KilnCommand.distribution().resolve("bin/kiln").toString());
        command.addAll(args);
        return new ProcessBuilder(command)
                .directory(Repository.root().toFile())
                .redirectErrorStream(true)
                .start();
    }

    /** Runs to the end; returns the exit code and output (standard output, then error). */
    static Result finish(List<String> args) {
        KilnCommand.Result result =
                KilnCommand.run(
                        KilnCommand.distribution(), Repository.root(), Duration.ofMinutes(5), args);
        return new Result(result.exitCode(), result.stdout() + result.stderr());
    }

    record Result(int exitCode, String output) {}

    /**
     * Starts a run and sends it a signal once it printed an iteration at or past {@code atIter}
     * and has a checkpoint; returns the exit code and output.
     */
    static Result interrupt(List<String> command, Path outputDir, int atIter, boolean kill)
            throws Exception {
        Process process = start(command);
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean sent = false;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = ITER.matcher(line);
                if (!sent
                        && m.find()
                        && Integer.parseInt(m.group(1)) >= atIter
                        && Files.exists(outputDir.resolve("last_checkpoint"))) {
                    // By the kill command: Process.destroy would close the output we still read.
                    Process signal =
                            new ProcessBuilder(
                                            "kill",
                                            kill ? "-KILL" : "-TERM",
                                            Long.toString(process.pid()))
                                    .inheritIO()
                                    .start();
                    assertThat(signal.waitFor()).isZero();
                    sent = true;
                }
            }
        }
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), output.toString());
    }

    private static int resumeIteration(String output) {
        Matcher m = Pattern.compile("Starting training from iteration (\\d+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** metrics.json by iteration, each line's fields. */
    private static Map<Long, JsonObject> metrics(Path outputDir) throws IOException {
        Map<Long, JsonObject> byIteration = new TreeMap<>();
        for (String line : Files.readAllLines(outputDir.resolve("metrics.json"))) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            long iteration = row.get("iteration").getAsLong();
            assertThat(byIteration.put(iteration, row))
                    .as("iteration %d twice", iteration)
                    .isNull();
        }
        return byIteration;
    }

    /**
     * The resumed run's metrics.json holds every iteration of the uninterrupted run's once, with the
     * same learning rate everywhere and the same smoothed loss wherever its window (20) lies after
     * the resume point; the resumed run started a second event file.
     */
    private static void assertMetricsReadAsOneRun(Path reference, Path resumed, int resumedAt)
            throws IOException {
        Map<Long, JsonObject> expected = metrics(reference);
        Map<Long, JsonObject> actual = metrics(resumed);
        // The lr column follows the schedule: base-lr 0.05 x cosine from 1 to 0 over the run.
        for (Map.Entry<Long, JsonObject> e : expected.entrySet()) {
            double cosine = 0.05 * 0.5 * (1 + Math.cos(Math.PI * e.getKey() / MAX_ITER));
            assertThat(e.getValue().get("lr").getAsDouble())
                    .as("lr at %d", e.getKey())
                    .isCloseTo(cosine, org.assertj.core.data.Offset.offset(1e-7));
        }
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<Long, JsonObject> e : expected.entrySet()) {
            JsonObject got = actual.get(e.getKey());
            assertThat(got.get("lr").getAsDouble())
                    .as("lr at %d", e.getKey())
                    .isEqualTo(e.getValue().get("lr").getAsDouble());
            if (e.getKey() - 19 >= resumedAt || e.getKey() < resumedAt) {
                assertThat(got.get("total_loss").getAsDouble())
                        .as("total_loss at %d", e.getKey())
                        .isEqualTo(e.getValue().get("total_loss").getAsDouble());
            }
        }
        try (Stream<Path> files = Files.list(resumed)) {
            assertThat(
                            files.filter(
                                    f ->
                                            f.getFileName()
                                                    .toString()
                                                    .startsWith("events.out.tfevents")))
                    .hasSize(2);
        }
    }

    static byte[] finalParameters(Path outputDir) throws IOException {
        return Files.readAllBytes(outputDir.resolve("model_final").resolve("model.safetensors"));
    }

    @Test
    void aResumeInARunDirectoryWithoutACheckpointRewritesTheMetricsFromIterationZero()
            throws Exception {
        // A run that wrote metrics but no checkpoint, as one killed before its first save.
        Path run = tmp.resolve("early");
        Result first = finish(command(run, "PyTorch", "kiln.hooks=[]", "kiln.solver.max-iter=60"));
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(metrics(run)).isNotEmpty();
        assertThat(run.resolve("last_checkpoint")).doesNotExist();

        Result resumed =
                finish(
                        command(
                                run,
                                "PyTorch",
                                "--resume",
                                "kiln.hooks=[]",
                                "kiln.solver.max-iter=60"));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Starting training from iteration 0");
        // metrics() fails on an iteration written twice
        assertThat(metrics(run).keySet()).containsExactly(9L, 19L, 29L, 39L, 49L, 59L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void killedOrStoppedRunsResumeToTheSameParameters(String engine) throws Exception {
        Path reference = tmp.resolve("reference");
        Result full = finish(command(reference, engine));
        assertThat(full.exitCode()).as(full.output()).isZero();
        byte[] expected = finalParameters(reference);

        Random random = new Random();
        // SIGKILL at a random iteration, then --resume.
        int killAt = 150 + random.nextInt(MAX_ITER - 400);
        Path killed = tmp.resolve("killed");
        Result kill = interrupt(command(killed, engine), killed, killAt, true);
        assertThat(kill.exitCode()).as(kill.output()).isEqualTo(137);
        assertThat(killed.resolve("model_final")).as("killed at %d", killAt).doesNotExist();
        Result resumed = finish(command(killed, engine, "--resume"));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Resuming from checkpoint");
        assertThat(finalParameters(killed)).as("killed at %d", killAt).isEqualTo(expected);
        assertMetricsReadAsOneRun(reference, killed, resumeIteration(resumed.output()));
        assertThat(Files.readString(killed.resolve("log.txt")))
                .contains("Resuming from checkpoint")
                .contains("Starting training from iteration 0");

        // SIGTERM: the step finishes, a checkpoint is saved, exit 143; it resumes the same way.
        int stopAt = 150 + random.nextInt(MAX_ITER - 400);
        Path stopped = tmp.resolve("stopped");
        Result term = interrupt(command(stopped, engine), stopped, stopAt, false);
        assertThat(term.exitCode()).as(term.output()).isEqualTo(143);
        assertThat(term.output()).contains("SIGTERM: stopping after the current iteration");
        String last = Files.readString(stopped.resolve("last_checkpoint")).strip();
        assertThat(last).as(term.output()).matches("model_\\d{7}");
        int stoppedAfter = Integer.parseInt(last.substring("model_".length()));
        assertThat(stoppedAfter).isGreaterThanOrEqualTo(stopAt);
        Result resumedTerm = finish(command(stopped, engine, "--resume"));
        assertThat(resumedTerm.exitCode()).as(resumedTerm.output()).isZero();
        assertThat(resumedTerm.output())
                .contains("Starting training from iteration " + (stoppedAfter + 1));
        assertThat(finalParameters(stopped)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void resumingWithAnotherConfigNamesTheKeysThatChanged(String engine) {
        Path run = tmp.resolve("changed-" + engine);
        Result first = finish(command(run, engine, "kiln.solver.max-iter=200"));
        assertThat(first.exitCode()).as(first.output()).isZero();

        Result resumed =
                finish(
                        command(
                                run,
                                engine,
                                "--resume",
                                "kiln.solver.max-iter=300",
                                "kiln.solver.base-lr=0.02",
                                "kiln.checkpoint.period=50"));

        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output())
                .contains(
                        " CheckpointHook]: The config differs from the one checkpoint model_final"
                                + " was saved with (resuming anyway): kiln.checkpoint.period 100"
                                + " -> 50, kiln.solver.base-lr 0.05 -> 0.02,"
                                + " kiln.solver.max-iter 200 -> 300\n")
                .contains("Starting training from iteration 200");
    }

    @Test
    void resumeRefusesADirectoryWithoutARunAndStartsFreshInAnEmptyOne() throws Exception {
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        Result refused = finish(command(foreign, "PyTorch", "--resume"));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.output()).contains("holds files but no run (config.conf is missing)");
        assertThat(Files.readString(foreign.resolve("notes.txt"))).isEqualTo("mine");

        Path fresh = tmp.resolve("fresh");
        Result started = finish(command(fresh, "PyTorch", "--resume", "kiln.solver.max-iter=50"));
        assertThat(started.exitCode()).as(started.output()).isZero();
        assertThat(started.output())
                .contains("no checkpoint in")
                .contains("starting from iteration 0");
        assertThat(fresh.resolve("model_final")).isDirectory();
    }
}
