package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.testkit.KilnCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's quickstart, in full, on each engine the distribution ships. */
class QuickstartIT {

    private static final Pattern PROGRESS =
            Pattern.compile("eta: \\d+:\\d\\d:\\d\\d  iter: \\d+  total_loss: .*time: ");

    @ParameterizedTest(name = "--engine {0}")
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsTheDigitsMlpAndWritesTheRunDirectory(String engine) throws IOException {
        QuickstartRuns.Run shared = QuickstartRuns.of(engine);
        Path run = shared.dir();
        KilnCommand.Result result = shared.result();

        assertThat(result.exitCode()).as(result.describe()).isZero();
        result.assertNoStackTrace();
        List<String> progress = progressLines(result.stdout());
        // writer-period = 100 over 2000 iterations: a line every 100 iterations
        assertThat(progress).as(result.describe()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(progress.get(progress.size() - 1)).contains("iter: 1999 ");
        assertThat(result.stdout()).contains("on " + engine + " (");
        // evaluated on its test split after the last iteration, the results in a table
        assertThat(result.stdout())
                .contains("Evaluation at iteration 1999:")
                .containsPattern("\\| test/accuracy +\\| 0\\.9\\d{3} +\\|");

        assertThat(run.resolve(RunDirectory.CONFIG_FILE)).isRegularFile();
        Config written = ConfigFactory.parseFile(run.resolve(RunDirectory.CONFIG_FILE).toFile());
        assertThat(written.getString("kiln.engine")).isEqualTo(engine);
        assertThat(written.getInt("kiln.solver.max-iter")).isEqualTo(2000);
        assertThat(written.getString("kiln.data.train.path"))
                .isEqualTo(Repository.digits().toString());

        assertThat(run.resolve(RunDirectory.LOG_FILE)).isRegularFile();
        String log = Files.readString(run.resolve(RunDirectory.LOG_FILE), StandardCharsets.UTF_8);
        assertThat(progressLines(log)).isEqualTo(progress);
    }

    private static List<String> progressLines(String text) {
        return text.lines()
                .filter(l -> PROGRESS.matcher(l).find())
                .map(l -> l.substring(l.indexOf("eta: ")))
                .toList();
    }
}
