package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training that fails once it runs exits with 1, not 2, and says at which iteration. */
class TrainingFailureIT {

    @TempDir Path tmp;

    @Test
    void nonFiniteLossExits1AndNamesTheIteration() {
        Path run = tmp.resolve("run");

        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "--output-dir",
                        run.toString(),
                        Repository.digitsOverride(),
                        "kiln.solver.base-lr=1e30",
                        "kiln.solver.max-iter=200");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        result.assertNoStackTrace();
        // the one line on stderr: libtorch's native deprecation warning is filtered by bin/kiln
        assertThat(result.stderr().lines())
                .as(result.describe())
                .singleElement()
                .satisfies(
                        message ->
                                assertThat(message)
                                        .contains("training failed")
                                        .containsPattern("iteration \\d+"));
        // the run had started: its directory and log are there, for a look at what happened
        assertThat(run.resolve(RunDirectory.CONFIG_FILE)).isRegularFile();
        assertThat(run.resolve(RunDirectory.LOG_FILE)).isRegularFile();
    }
}
