package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.core.model.ModelSummary;
import dev.kiln.testkit.KilnCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run sized in epochs, through the distribution: the model summary in the run directory and on
 * the console, the derived max-iter in config.conf, and the refusal of both limits at once.
 */
class ModelSummaryIT {

    @TempDir Path tmp;

    private Path config() throws Exception {
        String text =
                String.join(
                        "\n",
                        "kiln {",
                        "  model { type = mlp, hidden-sizes = [16] }",
                        "  data.train { type = csv, path = \""
                                + Repository.digits()
                                + "\", test-fraction = 0.2 }",
                        "  solver { max-epochs = 1, batch-size = 64 }",
                        "  hooks = []",
                        "  writers = [console]",
                        "  writer-period = 10",
                        "}",
                        "");
        return Files.writeString(tmp.resolve("epochs.conf"), text, StandardCharsets.UTF_8);
    }

    @Test
    void aRunWritesItsModelSummaryAndTrainsTheIterationsOfItsEpochs() throws Exception {
        Path run = tmp.resolve("run");

        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        config().toString(),
                        "--output-dir",
                        run.toString());

        assertThat(result.exitCode()).as(result.describe()).isZero();
        result.assertNoStackTrace();
        // 1797 rows, 359 held out: ceil(1438 / 64) = 23 iterations
        String summary =
                Files.readString(run.resolve(ModelSummary.FILE_NAME), StandardCharsets.UTF_8);
        assertThat(summary)
                .startsWith("name              shape     params  trainable\n")
                .contains("01hidden1_weight  (16, 64)    1024  yes\n")
                .endsWith(
                        "parameters: 1210, trainable: 1210, non-trainable: 0, size at float32:"
                                + " 4840 bytes\n");
        assertThat(result.stdout())
                .contains("Training 23 iterations (kiln.solver.max-epochs = 1")
                .contains("01hidden1_weight  (16, 64)    1024  yes")
                .contains("iter: 22 ");
        Config written = ConfigFactory.parseFile(run.resolve(RunDirectory.CONFIG_FILE).toFile());
        assertThat(written.getInt("kiln.solver.max-iter")).isEqualTo(23);
        assertThat(written.getIsNull("kiln.solver.max-epochs")).isTrue();
    }

    @Test
    void bothLimitsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path run = tmp.resolve("run");

        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        config().toString(),
                        "--output-dir",
                        run.toString(),
                        "kiln.solver.max-iter=5");

        assertThat(result.assertBadInput(run))
                .contains("kiln.solver.max-iter and kiln.solver.max-epochs are both set");
    }
}
