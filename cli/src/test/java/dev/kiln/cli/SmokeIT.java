package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln train --smoke}: a few iterations and one evaluation, leaving nothing behind. */
class SmokeIT {

    @TempDir Path tmp;

    @Test
    void aSmokeRunTrainsFiveIterationsEvaluatesOnceAndDeletesItsDirectory() throws Exception {
        Path config =
                Files.writeString(
                        tmp.resolve("smoke.conf"),
                        String.join(
                                "\n",
                                "kiln {",
                                "  model { type = mlp, hidden-sizes = [16] }",
                                "  data.train { type = csv, path = \""
                                        + Repository.digits()
                                        + "\", test-fraction = 0.2 }",
                                "  solver { max-iter = 3000, batch-size = 32 }",
                                "  hooks = [eval]",
                                "  eval.expected-results = [{metric = test/accuracy, value = 1.0,"
                                        + " tolerance = 0.0}]",
                                "}",
                                ""),
                        StandardCharsets.UTF_8);
        Path run = tmp.resolve("run");

        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--smoke",
                        "--config",
                        config.toString(),
                        "--output-dir",
                        run.toString());

        assertThat(result.exitCode()).as(result.describe()).isZero();
        result.assertNoStackTrace();
        assertThat(result.stdout())
                .contains("Evaluation at iteration 4:")
                .contains(
                        "Smoke test passed: trained 5 iterations, evaluated once after them with");
        Matcher deleted = Pattern.compile("; (\\S+) is deleted").matcher(result.stdout());
        assertThat(deleted.find()).as(result.describe()).isTrue();
        assertThat(Path.of(deleted.group(1))).doesNotExist();
        assertThat(run).doesNotExist();
    }

    @Test
    void smokeWithEvalOnlyIsRefused() {
        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--smoke",
                        "--eval-only",
                        "--config",
                        Repository.quickstartConfig().toString());

        assertThat(result.assertBadInput(null)).contains("--smoke").contains("--eval-only");
    }
}
