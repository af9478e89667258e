package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code kiln train} processes racing for one run directory: the second stops with exit code
 * 2 and names the first, which trains on undisturbed; once the first is killed with SIGKILL, the
 * lock it left behind blocks nothing, and {@code --resume} finishes the run.
 */
class RunLockIT {

    @TempDir Path tmp;

    private static List<String> command(Path outputDir, String... more) {
        List<String> command = new ArrayList<>(Repository.trainQuickstart(outputDir, "PyTorch"));
        command.add("kiln.hooks=[checkpoint]");
        command.add("kiln.writers=[console, json]");
        command.add("kiln.checkpoint.period=200");
        command.add("kiln.solver.max-iter=200000"); // far longer than the test lets it run
        command.add("kiln.writer-period=100");
        command.addAll(List.of(more));
        return command;
    }

    @Test
    void aSecondRunIntoTheDirectoryIsRefusedAndAKilledRunsLockBlocksNothing() throws Exception {
        Path run = tmp.resolve("run");
        Process first = CheckpointIT.start(command(run));
        CompletableFuture<String> firstOutput = new CompletableFuture<>();
        try {
            BufferedReader lines =
                    new BufferedReader(
                            new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            // Training is under way and a checkpoint exists to resume from later.
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("iter: ") && Files.exists(run.resolve("last_checkpoint"))) {
                    break;
                }
            }
            assertThat(line).as(seen.toString()).isNotNull();
            Thread drain =
                    new Thread(
                            () -> {
                                try {
                                    firstOutput.complete(
                                            seen
                                                    + new String(
                                                            first.getInputStream().readAllBytes(),
                                                            StandardCharsets.UTF_8));
                                } catch (java.io.IOException e) {
                                    firstOutput.completeExceptionally(e);
                                }
                            });
            drain.start();

            CheckpointIT.Result second = CheckpointIT.finish(command(run, "--resume"));
            assertThat(second.exitCode()).as(second.output()).isEqualTo(2);
            assertThat(second.output())
                    .contains("is in use by another kiln train (pid " + first.pid() + ")")
                    .contains("choose another --output-dir")
                    .doesNotContain("\tat ");
            assertThat(first.isAlive()).as("the first run trains on").isTrue();
            assertThat(Files.readString(run.resolve("log.txt")))
                    .as("the refused run wrote nothing into the first one's log")
                    .doesNotContain("Resuming from checkpoint");

            // SIGKILL: the lock file stays, but the lock goes with the process.
            first.destroyForcibly();
            assertThat(first.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);
            assertThat(run.resolve(RunLock.FILE)).exists();
        } finally {
            if (first.isAlive()) {
                first.destroyForcibly().waitFor();
            }
        }
        String last = Files.readString(run.resolve("last_checkpoint")).strip();
        long resumeAt = Long.parseLong(last.substring("model_".length())) + 1;
        CheckpointIT.Result resumed =
                CheckpointIT.finish(
                        command(run, "--resume", "kiln.solver.max-iter=" + (resumeAt + 300)));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Resuming from checkpoint");
        assertThat(run.resolve("model_final")).isDirectory();
        assertThat(firstOutput.get(1, TimeUnit.MINUTES)).contains("iter: ");
    }
}
