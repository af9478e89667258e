package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real full disk: the run directory on a small tmpfs that is filled after the first checkpoint.
 * The next save fails with one message and exit code 1; the first checkpoint, {@code
 * last_checkpoint} and {@code metrics.json} stay as they were; after space is freed, {@code
 * --resume} finishes bitwise equal to an uninterrupted run. (Mounting needs root, as the test
 * machines give; where it is refused the test says so and is skipped, and the save's failure
 * part way is still covered by hooks-checkpoint's tests with a file creator that fails as a full
 * disk does.)
 */
class DiskFullIT {

    private static final Pattern ITER = Pattern.compile("iter: (\\d+)");
    private static final int MAX_ITER = 3000;
    private static final int PERIOD = 1000;

    @TempDir Path tmp;

    private Path disk;
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = Files.createDirectories(tmp.resolve("disk"));
        Process mount =
                new ProcessBuilder(
                                "mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", disk.toString())
                        .redirectErrorStream(true)
                        .start();
        String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        mounted = mount.waitFor() == 0;
        Assumptions.assumeTrue(
                mounted,
                "mounting a tmpfs was refused ("
                        + why.strip()
                        + "): the full-disk test needs root; hooks-checkpoint's injected"
                        + " failures still cover a save that fails part way");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor();
        }
    }

    private static List<String> command(Path outputDir, String engine, String... more) {
        List<String> command = new ArrayList<>(Repository.trainQuickstart(outputDir, engine));
        command.add("kiln.hooks=[checkpoint]");
        command.add("kiln.writers=[console, json]");
        command.add("kiln.checkpoint.period=" + PERIOD);
        command.add("kiln.solver.max-iter=" + MAX_ITER);
        command.add("kiln.writer-period=20");
        command.addAll(List.of(more));
        return command;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aSaveOnAFullDiskFailsCleanlyAndTheRunResumesOnceThereIsSpace(String engine)
            throws Exception {
        Path reference = tmp.resolve("reference");
        CheckpointIT.Result full = CheckpointIT.finish(command(reference, engine));
        assertThat(full.exitCode()).as(full.output()).isZero();

        Path run = disk.resolve("run");
        Path filler = disk.resolve("filler");
        Process process = CheckpointIT.start(command(run, engine));
        StringBuilder output = new StringBuilder();
        byte[] lastCheckpoint = null;
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = ITER.matcher(line);
                if (lastCheckpoint == null
                        && m.find()
                        && Files.exists(run.resolve("last_checkpoint"))) {
                    // Held still while the disk fills, so that the next save meets a full disk.
                    signal("-STOP", process.pid());
                    lastCheckpoint = Files.readAllBytes(run.resolve("last_checkpoint"));
                    fill(filler, Files.getFileStore(disk).getUsableSpace() - (96 << 10));
                    signal("-CONT", process.pid());
                }
            }
        }
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String message = output.toString();
        assertThat(lastCheckpoint).as(message).isNotNull();
        assertThat(process.exitValue()).as(message).isEqualTo(1);
        assertThat(message)
                .contains("No space left on device")
                .doesNotContain("\tat ")
                .doesNotContain("Exception in thread");
        assertThat(message.lines().filter(l -> l.contains("No space left on device")))
                .as("one message for the failed save")
                .hasSize(1);

        // What the full disk found stays as it was.
        assertThat(Files.readAllBytes(run.resolve("last_checkpoint"))).isEqualTo(lastCheckpoint);
        String kept = new String(lastCheckpoint, StandardCharsets.UTF_8).strip();
        assertThat(kept).isEqualTo(String.format("model_%07d", PERIOD - 1));
        assertThat(Files.readAllBytes(run.resolve(kept).resolve("model.safetensors")))
                .isEqualTo(
                        Files.readAllBytes(reference.resolve(kept).resolve("model.safetensors")));
        assertThat(run.resolve("model_final")).doesNotExist();
        for (String row : Files.readAllLines(run.resolve("metrics.json"))) {
            assertThat(JsonParser.parseString(row).getAsJsonObject().has("iteration"))
                    .as("a whole line of metrics.json: %s", row)
                    .isTrue();
        }

        Files.delete(filler);
        CheckpointIT.Result resumed = CheckpointIT.finish(command(run, engine, "--resume"));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Resuming from checkpoint");
        assertThat(
                        Arrays.equals(
                                CheckpointIT.finalParameters(run),
                                CheckpointIT.finalParameters(reference)))
                .as("model_final after the full disk and --resume")
                .isTrue();
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    /** Writes a file of {@code bytes} bytes (as real blocks: tmpfs has no holes to cheat with). */
    private static void fill(Path file, long bytes) throws IOException {
        byte[] block = new byte[1 << 16];
        Arrays.fill(block, (byte) 1);
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long left = bytes;
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                left -= channel.write(java.nio.ByteBuffer.wrap(block, 0, n));
            }
        }
    }
}
