package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kiln.devices} from the command: a run over two CPU replicas, and its bad inputs. */
class DevicesIT {

    @TempDir Path tmp;

    private Path outputDir() {
        return tmp.resolve("run");
    }

    /** {@code train --config <quickstart> [--config extra] --output-dir <tmp>/run <digits> ...} */
    private KilnCommand.Result train(Path extra, String... args) {
        List<String> command = new ArrayList<>(List.of("train", "--config"));
        command.add(Repository.quickstartConfig().toString());
        if (extra != null) {
            command.add("--config");
            command.add(extra.toString());
        }
        command.addAll(List.of("--output-dir", outputDir().toString()));
        command.add(Repository.digitsOverride());
        command.addAll(List.of(args));
        return KilnCommand.run(tmp, command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsOverTwoCpuReplicas(String engine) throws Exception {
        KilnCommand.Result result =
                train(
                        null,
                        "--engine",
                        engine,
                        "kiln.devices=[cpu, cpu]",
                        "kiln.solver.max-iter=30",
                        "kiln.eval.period=30",
                        "kiln.model.hidden-sizes=[32]");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        result.assertNoStackTrace();
        String log = Files.readString(outputDir().resolve("log.txt"), StandardCharsets.UTF_8);
        assertThat(log)
                .contains(
                        "Each step splits its batch over 2 devices [cpu, cpu], the model on the"
                                + " first; the replicas run "
                                + (engine.equals("PyTorch")
                                        ? "on threads of their own"
                                        : "in turn"));
        assertThat(Files.readString(outputDir().resolve("config.conf")))
                .containsPattern("devices=\\[\\s*cpu,\\s*cpu\\s*\\]");
    }

    @Test
    void aBatchTheDevicesDoNotSplitIsRefused() {
        KilnCommand.Result result = train(null, "kiln.devices=[cpu, cpu, cpu]");

        assertThat(result.assertBadInput(outputDir()))
                .contains(
                        "command line override 2: kiln.devices: 3 devices must divide"
                                + " kiln.solver.batch-size (64) into equal slices");
    }

    @Test
    void aGpuNamedTwiceIsRefusedNamingTheFileAndLine() throws Exception {
        Path conf = tmp.resolve("gpus.conf");
        Files.writeString(conf, "kiln.devices = [\"gpu:0\", \"gpu:0\"]\n");

        assertThat(train(conf).assertBadInput(outputDir()))
                .contains(
                        conf
                                + ":1: kiln.devices[1]: names gpu:0 a second time (also"
                                + " kiln.devices[0])");
    }

    @Test
    void aGpuTheEngineDoesNotHaveIsRefused() {
        KilnCommand.Result result = train(null, "kiln.devices=[cpu, \"gpu:1\"]");

        assertThat(result.assertBadInput(outputDir()))
                .contains(
                        "kiln.devices[1]: device \"gpu:1\" is not available: engine PyTorch sees"
                                + " 0 GPUs; available devices: cpu");
    }
}
