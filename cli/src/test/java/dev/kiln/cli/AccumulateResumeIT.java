package dev.kiln.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradient accumulation survives {@code kill -9}: a run with {@code kiln.solver.accumulate-steps
 * = 2}, killed at a random iteration and resumed, ends with a {@code model_final} bitwise equal to
 * an uninterrupted run's, on both engines.
 */
class AccumulateResumeIT {

    private static final int MAX_ITER = 400;

    @TempDir Path tmp;

    private static List<String> command(Path outputDir, String engine, String... more) {
        List<String> command = new ArrayList<>(Repository.trainQuickstart(outputDir, engine));
        command.add("kiln.solver.max-iter=" + MAX_ITER);
        command.add("kiln.solver.accumulate-steps=2");
        command.add("kiln.checkpoint.period=25");
        command.add("kiln.eval.period=0");
        command.add("kiln.writer-period=5");
        command.addAll(List.of(more));
        return command;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aKilledAccumulatingRunResumesToTheSameParameters(String engine) throws Exception {
        KilledRun.assertResumesToTheSameParameters(
                tmp, (dir, more) -> command(dir, engine, more), 40, MAX_ITER - 60);
    }
}
