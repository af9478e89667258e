package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image example through the built distribution, killed with SIGKILL at a random iteration and
 * resumed: with random crops and flips drawn on two decoding threads, and batch norm, it ends with
 * a {@code model_final} bitwise equal to an uninterrupted run's, on both engines.
 */
class ImageResumeIT {

    private static final int MAX_ITER = 120;

    @TempDir Path tmp;

    private static List<String> command(Path outputDir, String engine, String... more) {
        List<String> command = new ArrayList<>();
        command.add("train");
        command.add("--config");
        command.add("examples/images/images.conf");
        command.add("--engine");
        command.add(engine);
        command.add("--output-dir");
        command.add(outputDir.toString());
        command.add("kiln.solver.max-iter=" + MAX_ITER);
        command.add("kiln.checkpoint.period=20");
        command.add("kiln.eval.period=0");
        command.add("kiln.writer-period=5");
        command.add("kiln.data.workers=2");
        // Dropout draws from the engine's generator, which is not part of a checkpoint.
        command.add("kiln.model.dropout=0");
        command.addAll(List.of(more));
        return command;
    }

    private static String resumeLine(String output) {
        return output.lines()
                .filter(l -> l.contains("Resuming from checkpoint"))
                .findFirst()
                .orElse("no resume line");
    }

    /** Names the checkpoints of both runs whose parameter files are not byte-equal. */
    private static List<String> differingCheckpoints(Path reference, Path killed)
            throws IOException {
        List<String> differ = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(killed)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path mine = dir.resolve("model.safetensors");
                Path theirs = reference.resolve(dir.getFileName()).resolve("model.safetensors");
                if (Files.exists(mine)
                        && Files.exists(theirs)
                        && !Arrays.equals(Files.readAllBytes(mine), Files.readAllBytes(theirs))) {
                    differ.add(dir.getFileName().toString());
                }
            }
        }
        return differ;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aKilledAugmentedRunResumesToTheSameParameters(String engine) throws Exception {
        Path reference = tmp.resolve("reference");
        CheckpointIT.Result full = CheckpointIT.finish(command(reference, engine));
        assertThat(full.exitCode()).as(full.output()).isZero();
        byte[] expected = CheckpointIT.finalParameters(reference);

        int killAt = 30 + new Random().nextInt(MAX_ITER - 60);
        Path killed = tmp.resolve("killed");
        CheckpointIT.Result kill =
                CheckpointIT.interrupt(command(killed, engine), killed, killAt, true);
        assertThat(kill.exitCode()).as(kill.output()).isEqualTo(137);
        assertThat(killed.resolve("model_final")).as("killed at %d", killAt).doesNotExist();
        CheckpointIT.Result resumed = CheckpointIT.finish(command(killed, engine, "--resume"));
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Resuming from checkpoint");
        assertThat(Arrays.equals(CheckpointIT.finalParameters(killed), expected))
                .as(
                        "killed at %d, %s; checkpoints that differ from the uninterrupted run's: %s",
                        killAt,
                        resumeLine(resumed.output()),
                        differingCheckpoints(reference, killed))
                .isTrue();
    }
}
