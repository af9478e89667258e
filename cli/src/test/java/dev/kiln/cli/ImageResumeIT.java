package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
        assertThat(CheckpointIT.finalParameters(killed))
                .as("killed at %d", killAt)
                .isEqualTo(expected);
    }
}
