package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.testkit.KilnCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln config}: the resolved config, overrides applied, and nothing written. */
class ConfigCommandIT {

    @TempDir Path tmp;

    @Test
    void printsTheResolvedConfigWithTheOverrideApplied() {
        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "config",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "kiln.solver.max-iter=7");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).containsPattern("max-iter ?= ?7\\b");
        Config printed = ConfigFactory.parseString(result.stdout());
        assertThat(printed.getInt("kiln.solver.max-iter")).isEqualTo(7);
        // the rest of the file and the defaults are there too
        assertThat(printed.getDouble("kiln.solver.base-lr")).isEqualTo(0.05);
        assertThat(printed.getString("kiln.engine")).isEqualTo("PyTorch");
        // showing the config neither trains nor creates the run directory
        assertThat(tmp.resolve("output")).doesNotExist();
    }

    @Test
    void showsWhereEachHookAndWriterCameFrom() throws Exception {
        Path mine = tmp.resolve("mine.conf");
        Files.writeString(
                mine,
                "include \""
                        + Repository.quickstartConfig().toAbsolutePath()
                        + "\"\n"
                        + "kiln.hooks += early-stopping\n");
        KilnCommand.Result result = KilnCommand.run(tmp, "config", "--config", mine.toString());

        assertThat(result.exitCode()).as(result.describe()).isZero();
        Config printed = ConfigFactory.parseString(result.stdout());
        assertThat(printed.getStringList("kiln.hooks"))
                .containsExactly("lr-scheduler", "checkpoint", "eval", "early-stopping");
        assertThat(printed.getStringList("kiln.writers"))
                .containsExactly("console", "json", "tensorboard");
        assertThat(result.stdout())
                .containsPattern(
                        "#   lr-scheduler  \\(default of kiln-hooks-lr-[^ ]+\\.jar \\(reference\\.conf:\\d+\\)\\)")
                .containsPattern("#   checkpoint  \\(default of kiln-hooks-checkpoint-[^ ]+\\.jar")
                .containsPattern("#   eval  \\(default of kiln-hooks-eval-[^ ]+\\.jar")
                .contains("#   early-stopping  (" + mine + ":2)")
                .containsPattern("#   console  \\(default of kiln-core-[^ ]+\\.jar")
                .containsPattern(
                        "#   tensorboard  \\(default of kiln-writers-tensorboard-[^ ]+\\.jar");
    }

    @Test
    void everyExampleConfigIsValidAsShipped() throws Exception {
        List<Path> configs;
        try (Stream<Path> files = Files.walk(Repository.root().resolve("examples"))) {
            configs = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
        assertThat(configs)
                .extracting(c -> c.getFileName().toString())
                .contains("fashion-mlp.conf");
        for (Path config : configs) {
            KilnCommand.Result result =
                    KilnCommand.run(Repository.root(), "config", "--config", config.toString());
            assertThat(result.exitCode()).as(result.describe()).isZero();
        }
    }
}
