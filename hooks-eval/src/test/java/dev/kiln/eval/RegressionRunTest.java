package dev.kiln.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The regression evaluator on a CSV of values to regress, trained with the l2 loss. */
class RegressionRunTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void measuresTheErrorsOfAFittedLine(String engine) throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            double a = random.nextDouble(-1, 1);
            double b = random.nextDouble(-1, 1);
            double c = random.nextDouble(-1, 1);
            double y = a - 0.5 * b + 1.5 * c;
            csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%.5f%n", a, b, c, y));
        }
        Path data = Files.writeString(tmp.resolve("plane.csv"), csv);

        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .data(data)
                        .iterations(400)
                        .hooks("eval")
                        .set("kiln.data.train.targets", "values")
                        .set("kiln.loss.type", "l2")
                        .set("kiln.eval.evaluators", List.of("regression"))
                        .set("kiln.solver.base-lr", 0.02)
                        .train();

        double mse = run.storage().history("test/mse").latest();
        double mae = run.storage().history("test/mae").latest();
        assertThat(mse).isLessThan(0.01);
        assertThat(mae).isLessThan(0.1).isGreaterThan(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void measuresTheErrorsOfThreeFittedTargets(String engine) throws IOException {
        SplittableRandom random = new SplittableRandom(13);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            double a = random.nextDouble(-1, 1);
            double b = random.nextDouble(-1, 1);
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%.5f,%.5f,%.5f,%.5f,%.5f%n",
                            a,
                            b,
                            a + b,
                            2 * a - b,
                            1 - 0.5 * b));
        }
        Path data = Files.writeString(tmp.resolve("three.csv"), csv);

        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .data(data)
                        .iterations(300)
                        .hooks("eval")
                        .set("kiln.data.train.label-columns", List.of(2, 3, 4))
                        .set("kiln.data.train.targets", "values")
                        .set("kiln.loss.type", "l2")
                        .set("kiln.eval.evaluators", List.of("regression", "loss"))
                        .set("kiln.solver.base-lr", 0.02)
                        .train();

        double mse = run.storage().history("test/mse").latest();
        assertThat(mse).isLessThan(0.01).isGreaterThan(0);
        // the regression evaluator's mse averages over all outputs, as the l2 loss does
        assertThat(run.storage().history("test/loss").latest()).isCloseTo(mse, within(1e-4));
    }
}
