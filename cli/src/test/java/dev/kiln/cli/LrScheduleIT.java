package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.testkit.KilnCommand;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example {@code examples/digits/digits-cosine.conf} run through the distribution, whose
 * {@code plugins/} carries the kiln-hooks-lr jar: the printed {@code lr:} values follow the warmup
 * and the cosine.
 */
class LrScheduleIT {

    private static final Pattern PROGRESS = Pattern.compile("iter: (\\d+) .*lr: ([0-9.eE+-]+)");

    /** 40 iterations: a warmup over the first 2, the cosine over the rest. */
    private static final int MAX_ITER = 40;

    private static final double BASE_LR = 0.05;

    @TempDir Path tmp;

    /** The schedule of the example, by hand: detectron2's linear warmup over fvcore's cosine. */
    private static double expectedLr(int iter) {
        double where = (double) iter / MAX_ITER;
        if (where < 0.05) {
            double alpha = where / 0.05;
            double end = 0.5 * (1 + Math.cos(Math.PI * 0.05));
            return BASE_LR * (0.001 * (1 - alpha) + end * alpha);
        }
        return BASE_LR * 0.5 * (1 + Math.cos(Math.PI * where));
    }

    @Test
    void theExamplePrintsTheScheduledRate() {
        Path runDir = tmp.resolve("run");
        KilnCommand.Result result =
                KilnCommand.run(
                        Repository.root(),
                        "train",
                        "--config",
                        "examples/digits/digits-cosine.conf",
                        "--output-dir",
                        runDir.toString(),
                        "kiln.solver.max-iter=" + MAX_ITER,
                        "kiln.writer-period=4");
        String stdout = result.stdout();
        String describe = result.describe();
        assertThat(result.exitCode()).as(describe).isZero();

        Map<Integer, Double> printed = new LinkedHashMap<>();
        Matcher m = PROGRESS.matcher(stdout);
        while (m.find()) {
            printed.put(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)));
        }
        // a line every 4 iterations: 3, 7, ..., 39
        assertThat(printed.keySet()).as(describe).contains(3, 7, 19, 39);
        for (Map.Entry<Integer, Double> line : printed.entrySet()) {
            double expected = expectedLr(line.getKey());
            // printed with 5 significant digits
            assertThat(line.getValue())
                    .as("lr at iteration %d in\n%s", line.getKey(), describe)
                    .isCloseTo(expected, within(Math.abs(expected) * 1e-4 + 1e-12));
        }
        // the cosine falls: 0.05 * (1 + cos(3/40 pi)) / 2 = 0.04931 at 3, about 0.025 at 19
        assertThat(printed.get(3)).isGreaterThan(printed.get(19));
        assertThat(printed.get(19)).isGreaterThan(printed.get(39));
        assertThat(printed.get(39)).isLessThan(1e-4);
        assertThat(runDir.resolve("config.conf")).content().contains("lr-scheduler");
    }
}
