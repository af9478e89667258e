package dev.kiln.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class PlainTrainLoopTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void reachesNinetyFivePercentOnTheDigitsTestSplit(String engine) {
        PlainTrainLoop loop = new PlainTrainLoop();
        new CommandLine(loop)
                .parseArgs(
                        "--engine", engine, "--data", Path.of("digits/digits.csv.gz").toString());
        assertThat(loop.train()).isGreaterThanOrEqualTo(0.95);
    }
}
