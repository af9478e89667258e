package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The overhead benchmark, shortened to two rounds: it runs all three ways and reports each. */
class OverheadBenchmarkTest {

    private static final Pattern RESULT =
            Pattern.compile(
                    "RESULT engine=(\\w+) mode=(hand|simple|easytrain) ms_per_iter=(\\d+\\.\\d{4}) ratio_to_hand=(\\d+\\.\\d{3})");

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void reportsEveryWayOnOneLine(String engine) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit =
                    new CommandLine(new OverheadBenchmark())
                            .execute(
                                    "--engines", engine,
                                    "--iterations", "40",
                                    "--rounds", "2",
                                    "--warmup", "20",
                                    "--data", "../examples/digits/digits.csv.gz");
        } finally {
            System.setOut(out);
        }
        assertThat(exit).isZero();
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            Matcher m = RESULT.matcher(lines.get(i));
            assertThat(m.matches()).as(lines.get(i)).isTrue();
            assertThat(m.group(1)).isEqualTo(engine);
            assertThat(m.group(2)).isEqualTo(List.of("hand", "simple", "easytrain").get(i));
            assertThat(Double.parseDouble(m.group(3))).isPositive();
            double ratio = Double.parseDouble(m.group(4));
            if (i == 0) {
                assertThat(ratio).isEqualTo(1.0);
            } else {
                assertThat(ratio).isPositive();
            }
        }
    }
}
