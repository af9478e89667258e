package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation through the distribution: the results table, expected results, --eval-only. */
class EvalIT {

    @TempDir Path tmp;

    private KilnCommand.Result train(Path run, String... more) {
        String[] args = new String[6 + more.length];
        args[0] = "train";
        args[1] = "--config";
        args[2] = Repository.quickstartConfig().toString();
        args[3] = "--output-dir";
        args[4] = run.toString();
        args[5] = Repository.digitsOverride();
        System.arraycopy(more, 0, args, 6, more.length);
        return KilnCommand.run(tmp, args);
    }

    @Test
    void aMissedExpectedResultExits1AndSaysWhatWasExpectedAndWhatCame() {
        Path run = tmp.resolve("run");
        KilnCommand.Result result =
                train(
                        run,
                        "kiln.solver.max-iter=50",
                        "kiln.eval.expected-results=[{metric = test/accuracy, value = 1.5,"
                                + " tolerance = 0.01}]");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        result.assertNoStackTrace();
        assertThat(result.stderr().lines().filter(l -> l.startsWith("kiln:")))
                .as(result.describe())
                .singleElement()
                .satisfies(m -> assertThat(m).contains("results not as expected"));
        assertThat(result.stderr())
                .containsPattern("test/accuracy: expected 1\\.5 ± 0\\.01, got 0\\.\\d+");
        // the table of the final evaluation was printed, and the run directory is there
        assertThat(result.stdout())
                .containsPattern("\\| test/accuracy +\\| 0\\.\\d{4} +\\|")
                .containsPattern("\\| test/loss +\\| \\d+\\.\\d{4} +\\|");
        assertThat(run.resolve(RunDirectory.CONFIG_FILE)).isRegularFile();
    }

    @Test
    void reachedExpectedResultsExit0() {
        KilnCommand.Result result =
                train(
                        tmp.resolve("run"),
                        "kiln.solver.max-iter=50",
                        "kiln.eval.expected-results=[{metric = test/accuracy, value = 0.5,"
                                + " tolerance = 0.5}]");
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).contains("All 1 expected results reached");
    }

    @Test
    void evalOnlyEvaluatesPrintsAndWritesNothing() throws Exception {
        Path run = tmp.resolve("run");
        KilnCommand.Result result = train(run, "--eval-only");
        assertThat(result.exitCode()).as(result.describe()).isZero();
        result.assertNoStackTrace();
        assertThat(result.stdout())
                .contains("Evaluation of the model as it stands:")
                .containsPattern("\\| test/accuracy +\\| 0\\.\\d{4} +\\|")
                .contains("Total inference time:")
                .doesNotContain("Starting training");
        assertThat(Files.exists(run)).isFalse();
    }

    @Test
    void evalOnlyWithoutAnEvaluationHookExits2() {
        Path run = tmp.resolve("run");
        KilnCommand.Result result = train(run, "--eval-only", "kiln.hooks=[]");
        assertThat(result.assertBadInput(run))
                .contains("--eval-only: nothing to evaluate with")
                .contains("implements EvaluationHook); add one to kiln.hooks");
    }

    /** The test/accuracy printed in the last results table of an output. */
    private static String lastAccuracy(String output) {
        Matcher m = Pattern.compile("\\| test/accuracy +\\| (0\\.\\d{4}) +\\|").matcher(output);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertThat(last).as(output).isNotNull();
        return last;
    }

    @Test
    void evalOnlyResumedFromTheRunsCheckpointPrintsTheSameAccuracy() throws Exception {
        Path run = tmp.resolve("run");
        KilnCommand.Result trained =
                train(run, "kiln.hooks=[eval, checkpoint]", "kiln.solver.max-iter=300");
        assertThat(trained.exitCode()).as(trained.describe()).isZero();
        String accuracy = lastAccuracy(trained.stdout());
        assertThat(Double.parseDouble(accuracy)).isGreaterThan(0.9);
        String[] before;
        try (Stream<Path> files = Files.list(run)) {
            before = files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }

        KilnCommand.Result evaluated =
                train(
                        run,
                        "--eval-only",
                        "--resume",
                        "kiln.hooks=[eval, checkpoint]",
                        "kiln.solver.max-iter=300");
        assertThat(evaluated.exitCode()).as(evaluated.describe()).isZero();
        assertThat(evaluated.stdout()).contains("Resuming from checkpoint");
        assertThat(lastAccuracy(evaluated.stdout())).isEqualTo(accuracy);
        try (Stream<Path> files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly(before);
        }
    }

    @Test
    void evalOnlyResumeWithoutACheckpointExits2() {
        Path run = tmp.resolve("empty");
        KilnCommand.Result result =
                train(run, "--eval-only", "--resume", "kiln.hooks=[eval, checkpoint]");
        assertThat(result.assertBadInput(run)).contains("found no checkpoint to evaluate");
    }
}
