package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built plugin jar in a distribution, as a user installs it: dropped into a fresh
 * distribution's {@code plugins/}, or given with {@code --plugins}.
 */
class ExamplePluginIT {

    private static final String HELLO = "Hello at iteration ";

    @TempDir Path tmp;

    private static List<String> quickstart(Path run, String... more) {
        Path repo = Distribution.repo();
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--config",
                                repo.resolve("examples/digits/digits-mlp.conf").toString(),
                                "--output-dir",
                                run.toString(),
                                "kiln.data.train.path=\""
                                        + repo.resolve("examples/digits/digits.csv.gz")
                                        + "\""));
        args.addAll(List.of(more));
        return args;
    }

    /** @return the iterations of the hello lines, in order */
    private static List<Long> hellos(String output) {
        return output.lines()
                .filter(l -> l.contains(HELLO))
                .map(l -> l.substring(l.indexOf(HELLO) + HELLO.length()))
                .map(rest -> Long.parseLong(rest.substring(0, rest.indexOf('!'))))
                .toList();
    }

    @Test
    void pluginsListsEveryExtensionOfTheJar() {
        KilnCommand.Result result;
        try (Distribution dist = Distribution.freshCopy(tmp.resolve("kiln"), true)) {
            result = dist.run(tmp, List.of("plugins"));
        }

        assertThat(result.exitCode()).as(result.describe()).isZero();
        String jar = Distribution.pluginJar().getFileName().toString();
        assertThat(jar).matches("kiln-plugins-example-.+\\.jar");
        List<List<String>> rows =
                result.stdout()
                        .lines()
                        .map(l -> List.of(l.split("\\s+", 4)))
                        .filter(r -> r.size() == 4 && r.get(2).equals(jar))
                        .map(r -> r.subList(0, 2))
                        .toList();
        assertThat(rows)
                .containsExactlyInAnyOrder(
                        List.of("hook", "hello"),
                        List.of("writer", "csv"),
                        List.of("model", "residual-mlp"),
                        List.of("dataset", "synthetic-blobs"),
                        List.of("optimizer", "rmsprop"));
        assertThat(result.stdout())
                .contains("says hello every kiln.hello.period iterations")
                .contains("mlp")
                .contains("console");
    }

    @Test
    void theQuickstartWithTheHelloHookSaysHelloEveryHundredIterations() throws IOException {
        Path run = tmp.resolve("run");

        KilnCommand.Result result;
        try (Distribution dist = Distribution.freshCopy(tmp.resolve("kiln"), true)) {
            result = dist.run(tmp, quickstart(run, "kiln.hooks += hello"));
        }

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout())
                .contains("Hello at iteration 100!")
                .contains("Hello at iteration 200!");
        // 2,000 iterations: after the 100th, the 200th, ... and the 2,000th
        List<Long> expected = LongStream.rangeClosed(1, 20).map(i -> i * 100).boxed().toList();
        assertThat(hellos(result.stdout())).as(result.describe()).isEqualTo(expected);
        String log = Files.readString(run.resolve("log.txt"), StandardCharsets.UTF_8);
        assertThat(hellos(log)).isEqualTo(expected);
    }

    @Test
    void withoutTheJarTheSameCommandIsRefusedNamingTheHook() {
        Path run = tmp.resolve("run");

        KilnCommand.Result result;
        try (Distribution dist = Distribution.freshCopy(tmp.resolve("kiln"), false)) {
            result = dist.run(tmp, quickstart(run, "kiln.hooks += hello"));
        }

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderr())
                .startsWith("kiln: ")
                .contains("unknown hook \"hello\"")
                .contains(
                        "a plugin jar may provide it: put it into plugins/ or pass --plugins DIR");
        assertThat(result.stdout() + result.stderr()).doesNotContain("\tat ");
        assertThat(run).doesNotExist();
    }

    @Test
    void withPluginsTheModelDatasetAndWriterTrainTogether() throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("my-plugins"));
        Files.copy(Distribution.pluginJar(), plugins.resolve("example.jar"));
        Path run = tmp.resolve("run");
        Path conf = tmp.resolve("blobs.conf");
        Files.writeString(
                conf,
                """
                kiln {
                  model { type = residual-mlp, width = 32, blocks = 2 }
                  data.train { type = synthetic-blobs, classes = 4, features = 3 }
                  solver { max-iter = 200, batch-size = 32, base-lr = 0.01 }
                  writers = [console, csv]
                  writer-period = 50
                }
                """);

        KilnCommand.Result result =
                Distribution.built()
                        .run(
                                tmp,
                                List.of(
                                        "train",
                                        "--plugins",
                                        plugins.toString(),
                                        "--config",
                                        conf.toString(),
                                        "--output-dir",
                                        run.toString()));

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).contains("Built residual-mlp on PyTorch");
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(csv.get(0)).startsWith("iteration,").contains("total_loss").contains("lr");
        assertThat(csv.subList(1, csv.size()))
                .extracting(l -> l.substring(0, l.indexOf(',')))
                .containsExactly("49", "99", "149", "199");
        int lossColumn = List.of(csv.get(0).split(",")).indexOf("total_loss");
        double lastLoss = Double.parseDouble(csv.get(4).split(",")[lossColumn]);
        assertThat(lastLoss).as("four separated blobs are learned").isLessThan(0.2);
        assertThat(Files.readString(run.resolve("config.conf")))
                .contains("synthetic-blobs")
                .contains("residual-mlp");
    }

    @ParameterizedTest(name = "--engine {0}")
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void rmspropResumesFromItsCheckpointToTheSameParameters(String engine) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("my-plugins"));
        Files.copy(Distribution.pluginJar(), plugins.resolve("example.jar"));
        Distribution dist = Distribution.built();
        Path straight = tmp.resolve("straight");
        Path halves = tmp.resolve("halves");

        KilnCommand.Result whole = dist.run(tmp, rmsprop(plugins, straight, engine, 60));
        KilnCommand.Result first = dist.run(tmp, rmsprop(plugins, halves, engine, 30));
        List<String> resume = rmsprop(plugins, halves, engine, 60);
        resume.add("--resume");
        KilnCommand.Result second = dist.run(tmp, resume);

        assertThat(whole.exitCode()).as(whole.describe()).isZero();
        assertThat(first.exitCode()).as(first.describe()).isZero();
        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(second.stdout()).contains("Resuming from checkpoint");
        assertThat(Files.readAllBytes(halves.resolve("model_final/optimizer.safetensors")))
                .isEqualTo(
                        Files.readAllBytes(straight.resolve("model_final/optimizer.safetensors")));
        assertThat(Files.readAllBytes(halves.resolve("model_final/model.safetensors")))
                .isEqualTo(Files.readAllBytes(straight.resolve("model_final/model.safetensors")));
    }

    private static List<String> rmsprop(Path plugins, Path run, String engine, int maxIter) {
        List<String> args =
                quickstart(
                        run,
                        "kiln.solver.optimizer=rmsprop",
                        "kiln.solver.base-lr=0.001",
                        "kiln.solver.max-iter=" + maxIter,
                        "kiln.model.hidden-sizes=[32]",
                        "kiln.eval.period=0",
                        "kiln.writers=[console]");
        args.addAll(List.of("--plugins", plugins.toString(), "--engine", engine));
        return args;
    }
}
