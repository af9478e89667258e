package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.KilnCommand;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kiln train --nproc 2}: two worker processes joined by the collective end bitwise equal to
 * one process with {@code accumulate-steps = 2} and the same batch size; a worker killed with
 * SIGKILL stops the other at once, the launcher names it, and {@code --resume} ends bitwise equal
 * to an uninterrupted run; a two-process checkpoint resumes in one process with {@code
 * accumulate-steps = 2} to the same parameters; three processes agree with {@code
 * accumulate-steps = 3} to float rounding.
 */
class NprocIT {

    private static final Pattern ITER = Pattern.compile("iter: (\\d+)");
    private static final Pattern PIDS = Pattern.compile("pids \\[(\\d+), (\\d+)\\]");

    @TempDir Path tmp;

    private static List<String> command(Path outputDir, String engine, String... more) {
        List<String> command = new ArrayList<>(Repository.trainQuickstart(outputDir, engine));
        command.add("kiln.solver.max-iter=400");
        command.add("kiln.checkpoint.period=50");
        command.add("kiln.writer-period=10");
        command.addAll(List.of(more));
        return command;
    }

    private static CheckpointIT.Result run(List<String> command) {
        return CheckpointIT.finish(command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void twoProcessesTrainBitwiseAsAccumulatingOverTwoMicroBatches(String engine) throws Exception {
        Path two = tmp.resolve("two");
        CheckpointIT.Result processes = run(command(two, engine, "--nproc", "2"));
        assertThat(processes.exitCode()).as(processes.output()).isZero();
        assertThat(processes.output()).contains("Started 2 worker processes");
        Path one = tmp.resolve("one");
        CheckpointIT.Result accumulated =
                run(command(one, engine, "kiln.solver.accumulate-steps=2"));
        assertThat(accumulated.exitCode()).as(accumulated.output()).isZero();

        assertThat(
                        Arrays.equals(
                                CheckpointIT.finalParameters(two),
                                CheckpointIT.finalParameters(one)))
                .as("model_final of --nproc 2 and of accumulate-steps = 2")
                .isTrue();
        assertThat(losses(two)).as("rank 0 logs the global loss").isEqualTo(losses(one));
    }

    @Test
    void aKilledWorkerStopsTheOtherAndTheRunResumesBitwise() throws Exception {
        String engine = "PyTorch";
        Path reference = tmp.resolve("reference");
        CheckpointIT.Result full = run(command(reference, engine, "--nproc", "2"));
        assertThat(full.exitCode()).as(full.output()).isZero();

        Path killed = tmp.resolve("killed");
        Process launcher = CheckpointIT.start(command(killed, engine, "--nproc", "2"));
        StringBuilder output = new StringBuilder();
        long killedAt = 0;
        String victim = null;
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String secondPid = null;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                Matcher pids = PIDS.matcher(line);
                if (pids.find()) {
                    secondPid = pids.group(2);
                }
                Matcher m = ITER.matcher(line);
                if (victim == null
                        && secondPid != null
                        && m.find()
                        && Integer.parseInt(m.group(1)) >= 120
                        && Files.exists(killed.resolve("last_checkpoint"))) {
                    victim = secondPid;
                    Process kill = new ProcessBuilder("kill", "-KILL", victim).inheritIO().start();
                    assertThat(kill.waitFor()).isZero();
                    killedAt = System.nanoTime();
                }
            }
        }
        assertThat(launcher.waitFor(2, TimeUnit.MINUTES)).isTrue();
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        assertThat(victim).as(output.toString()).isNotNull();
        assertThat(launcher.exitValue()).as(output.toString()).isEqualTo(1);
        assertThat(output.toString())
                .contains("kiln: rank 1 (pid " + victim + ") was killed by signal 9")
                .doesNotContain("\tat ");
        // a safety net against a hang, far above the milliseconds it takes
        assertThat(seconds)
                .as("the other rank and the launcher ended after the kill")
                .isLessThan(60);
        assertThat(killed.resolve("model_final")).doesNotExist();

        CheckpointIT.Result resumed = run(command(killed, engine, "--nproc", "2", "--resume"));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Resuming from checkpoint");
        assertThat(
                        Arrays.equals(
                                CheckpointIT.finalParameters(killed),
                                CheckpointIT.finalParameters(reference)))
                .as("resumed with --nproc 2 vs uninterrupted")
                .isTrue();

        // the two-process checkpoint of iteration 199, continued by one process accumulating
        Path alone = tmp.resolve("alone");
        Files.createDirectories(alone);
        copyTree(reference.resolve("model_0000199"), alone.resolve("model_0000199"));
        Files.copy(reference.resolve("config.conf"), alone.resolve("config.conf"));
        Files.writeString(alone.resolve("last_checkpoint"), "model_0000199");
        CheckpointIT.Result one =
                run(command(alone, engine, "kiln.solver.accumulate-steps=2", "--resume"));
        assertThat(one.exitCode()).as(one.output()).isZero();
        assertThat(one.output()).contains("Resuming from checkpoint").contains("at iteration 200");
        assertThat(
                        Arrays.equals(
                                CheckpointIT.finalParameters(alone),
                                CheckpointIT.finalParameters(reference)))
                .as("a two-process checkpoint finished by one process with accumulate-steps = 2")
                .isTrue();
    }

    @Test
    void threeProcessesAgreeWithAccumulatingOverThreeToFloatRounding() throws Exception {
        Path three = tmp.resolve("three");
        CheckpointIT.Result processes =
                run(command(three, "PyTorch", "--nproc", "3", "kiln.solver.batch-size=48"));
        assertThat(processes.exitCode()).as(processes.output()).isZero();
        Path one = tmp.resolve("one-of-three");
        CheckpointIT.Result accumulated =
                run(
                        command(
                                one,
                                "PyTorch",
                                "kiln.solver.batch-size=48",
                                "kiln.solver.accumulate-steps=3"));
        assertThat(accumulated.exitCode()).as(accumulated.output()).isZero();

        // three ranks' sums are grouped in the ring's order, not accumulation's: not bitwise
        Map<String, TensorData> a =
                SafeTensors.read(three.resolve("model_final").resolve("model.safetensors"));
        Map<String, TensorData> b =
                SafeTensors.read(one.resolve("model_final").resolve("model.safetensors"));
        assertThat(a.keySet()).isEqualTo(b.keySet());
        for (String name : a.keySet()) {
            float[] x = floats(a.get(name));
            float[] y = floats(b.get(name));
            for (int i = 0; i < x.length; i++) {
                assertThat(x[i]).as("%s[%d]", name, i).isCloseTo(y[i], offset(1e-5f));
            }
        }
    }

    private static float[] floats(TensorData tensor) {
        FloatBuffer buffer =
                ByteBuffer.wrap(tensor.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Test
    void aBatchThatDoesNotSplitOverTheProcessesIsRefused() {
        Path out = tmp.resolve("refused");
        KilnCommand.Result result =
                KilnCommand.run(Repository.root(), command(out, "PyTorch", "--nproc", "3"));
        assertThat(result.assertBadInput(out))
                .contains("--nproc 3: kiln.solver.batch-size (64) must split");
    }

    private static List<String> losses(Path run) throws java.io.IOException {
        List<String> out = new ArrayList<>();
        Matcher m =
                Pattern.compile("\"total_loss\":([^,}]+)")
                        .matcher(Files.readString(run.resolve("metrics.json")));
        while (m.find()) {
            out.add(m.group(1));
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }
}
