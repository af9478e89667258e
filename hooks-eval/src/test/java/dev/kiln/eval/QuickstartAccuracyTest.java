package dev.kiln.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.events.HistoryBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quickstart, {@code examples/digits/digits-mlp.conf}, on the real digits data: it evaluates on
 * its test split and reaches a test accuracy of at least 0.95 on both engines.
 */
class QuickstartAccuracyTest {

    private static final Path DIGITS =
            Path.of("..", "examples", "digits").toAbsolutePath().normalize();

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theQuickstartReachesTestAccuracy95(String engine) {
        try (KilnRun run =
                        KilnRun.builder()
                                .configFiles(List.of(DIGITS.resolve("digits-mlp.conf")))
                                .overrides(
                                        List.of(
                                                "kiln.data.train.path=\""
                                                        + DIGITS.resolve("digits.csv.gz")
                                                        + "\"",
                                                "kiln.writers=[]"))
                                .engine(engine)
                                .outputDir(tmp.resolve("run").toString())
                                .load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            HistoryBuffer accuracy = trainer.trainer().storage().history("test/accuracy");
            assertThat(accuracy.iterations()).containsExactly(499, 999, 1499, 1999);
            assertThat(accuracy.latest())
                    .as("test/accuracy on %s", engine)
                    .isGreaterThanOrEqualTo(0.95);
            assertThat(trainer.trainer().storage().history("test/loss").latest()).isLessThan(0.3);
            // the held-out 20% of 1,797 rows
            assertThat(trainer.testData().orElseThrow().size()).isEqualTo(359);
        }
    }
}
