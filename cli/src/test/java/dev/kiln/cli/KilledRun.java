package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The check that a run killed with SIGKILL at a random iteration and resumed ends where an
 * uninterrupted one does: {@code model_final} byte for byte, and on failure the checkpoints whose
 * parameters differ.
 */
final class KilledRun {

    private KilledRun() {}

    /**
     * Trains a reference run, then a run killed at a random iteration in {@code [from, to)} once
     * it has a checkpoint, resumes it, and compares.
     *
     * @param tmp where both runs go
     * @param command the {@code kiln} arguments for a run directory, with extra arguments
     * @param from the first iteration to kill at
     * @param to the iteration after the last one to kill at
     */
    static void assertResumesToTheSameParameters(
            Path tmp, BiFunction<Path, String[], List<String>> command, int from, int to)
            throws Exception {
        Path reference = tmp.resolve("reference");
        CheckpointIT.Result full = CheckpointIT.finish(command.apply(reference, new String[0]));
        assertThat(full.exitCode()).as(full.output()).isZero();
        byte[] expected = CheckpointIT.finalParameters(reference);

        int killAt = from + new Random().nextInt(to - from);
        Path killed = tmp.resolve("killed");
        CheckpointIT.Result kill =
                CheckpointIT.interrupt(command.apply(killed, new String[0]), killed, killAt, true);
        assertThat(kill.exitCode()).as(kill.output()).isEqualTo(137);
        assertThat(killed.resolve("model_final")).as("killed at %d", killAt).doesNotExist();
        CheckpointIT.Result resumed =
                CheckpointIT.finish(command.apply(killed, new String[] {"--resume"}));
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
}
