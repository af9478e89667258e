package dev.kiln.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        KilledRun.assertResumesToTheSameParameters(
                tmp, (dir, more) -> command(dir, engine, more), 30, MAX_ITER - 30);
    }
}
