package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.testkit.KilnCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * detectron2's DefaultTrainer defaults, from the distribution as shipped: a config with only model,
 * data and solver sections gets the default hooks and writers, and its run directory can be
 * evaluated again with {@code --resume --eval-only} and nothing else; without a plugin's jar, its
 * defaults are gone too.
 */
class DefaultsIT {

    private static final Pattern ACCURACY =
            Pattern.compile("\\| test/accuracy +\\| (0\\.\\d+) +\\|");

    @TempDir Path tmp;

    @ParameterizedTest(name = "--engine {0}")
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aConfigNamingNoHooksOrWritersCheckpointsEvaluatesAndWritesMetrics(String engine)
            throws IOException {
        Path config = minimalConfig();
        Path run = tmp.resolve("run");

        KilnCommand.Result trained =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        config.toString(),
                        "--engine",
                        engine,
                        "--output-dir",
                        run.toString());

        assertThat(trained.exitCode()).as(trained.describe()).isZero();
        assertThat(run.resolve("metrics.json")).isNotEmptyFile();
        try (Stream<Path> files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("events.out.tfevents."));
        }
        assertThat(run.resolve("model_final/model.safetensors")).isRegularFile();
        assertThat(Files.readString(run.resolve("last_checkpoint")).strip())
                .isEqualTo("model_final");
        assertThat(Files.readString(run.resolve("metrics.json"))).contains("\"test/accuracy\"");
        String trainedAccuracy = accuracy(trained.stdout());

        KilnCommand.Result evaluated =
                KilnCommand.run(
                        tmp,
                        List.of(
                                "train",
                                "--config",
                                config.toString(),
                                "--engine",
                                engine,
                                "--output-dir",
                                run.toString(),
                                "--resume",
                                "--eval-only"));

        assertThat(evaluated.exitCode()).as(evaluated.describe()).isZero();
        assertThat(accuracy(evaluated.stdout())).isEqualTo(trainedAccuracy);
    }

    private static String accuracy(String output) {
        Matcher m = ACCURACY.matcher(output);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertThat(last).as("a test/accuracy row in:\n" + output).isNotNull();
        return last;
    }

    @Test
    void removingAPluginJarRemovesItsDefaults() throws IOException {
        Path dist = KilnCommand.distribution();
        Path home = tmp.resolve("kiln");
        Files.createDirectories(home.resolve("bin"));
        Files.copy(
                dist.resolve("bin/kiln"),
                home.resolve("bin/kiln"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(home.resolve("lib"), dist.resolve("lib"));
        Files.createDirectories(home.resolve("plugins"));
        try (Stream<Path> jars = Files.list(dist.resolve("plugins"))) {
            for (Path jar : jars.toList()) {
                String name = jar.getFileName().toString();
                if (!name.startsWith("kiln-hooks-checkpoint-")
                        && !name.startsWith("kiln-writers-tensorboard-")) {
                    Files.createSymbolicLink(home.resolve("plugins").resolve(name), jar);
                }
            }
        }

        KilnCommand.Result result =
                KilnCommand.run(
                        home,
                        tmp,
                        KilnCommand.DEFAULT_TIMEOUT,
                        List.of("config", "--config", minimalConfig().toString()));

        assertThat(result.exitCode()).as(result.describe()).isZero();
        Config printed = ConfigFactory.parseString(result.stdout());
        assertThat(printed.getStringList("kiln.hooks")).containsExactly("lr-scheduler", "eval");
        assertThat(printed.getStringList("kiln.writers")).containsExactly("console", "json");
    }

    private Path minimalConfig() throws IOException {
        return Files.writeString(
                tmp.resolve("minimal.conf"),
                "kiln {\n"
                        + "  model { type = mlp, hidden-sizes = [64] }\n"
                        + "  data.train { type = csv, path = \""
                        + Repository.digits()
                        + "\" }\n"
                        + "  solver { optimizer = sgd, base-lr = 0.05, max-iter = 300,"
                        + " batch-size = 32 }\n"
                        + "}\n");
    }
}
