package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.events.HistoryBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A CSV whose label column holds values to regress ({@code targets = values}), trained with l2. */
class CsvRegressionTest {

    @TempDir Path tmp;

    /** 300 rows of y = 2a - b + 0.5, with a little noise. */
    private Path regressionCsv() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            double a = random.nextDouble(-1, 1);
            double b = random.nextDouble(-1, 1);
            double y = 2 * a - b + 0.5 + random.nextGaussian() * 0.01;
            csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f%n", a, b, y));
        }
        return Files.writeString(tmp.resolve("line.csv"), csv);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aValueColumnTrainsOneOutputWithTheL2Loss(String engine) throws Exception {
        List<String> overrides =
                List.of(
                        "kiln.engine=" + engine,
                        "kiln.data.train.path=\"" + regressionCsv() + "\"",
                        "kiln.data.train.targets=values",
                        "kiln.data.train.scaling=none",
                        "kiln.loss.type=l2",
                        "kiln.model.hidden-sizes=[16]",
                        "kiln.solver.base-lr=0.02",
                        "kiln.solver.max-iter=300",
                        "kiln.solver.batch-size=32",
                        "kiln.hooks=[]",
                        "kiln.writers=[]",
                        "kiln.output-dir=\"" + tmp.resolve("run") + "\"");
        try (KilnRun run = KilnRun.builder().overrides(overrides).load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();

            assertThat(trainer.trainData().classCount()).isEqualTo(1);
            assertThat(trainer.model().getOutputShapes(new Shape[] {new Shape(4, 2)}))
                    .containsExactly(new Shape(4, 1));
            HistoryBuffer loss = trainer.trainer().storage().history("total_loss");
            // the variance of y is about 5/3; a fitted line leaves the noise
            assertThat(loss.values()[0]).isGreaterThan(0.3);
            assertThat(loss.median(20)).isLessThan(0.02);
        }
    }
}
