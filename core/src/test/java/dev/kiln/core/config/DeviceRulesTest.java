package dev.kiln.core.config;

import static dev.kiln.core.config.ConfigFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks on {@code kiln.devices}: each bad input is one problem naming file, line and key. */
class DeviceRulesTest {

    private static final ConfigValidator VALIDATOR = ConfigValidator.builder().build();

    private static final String VALID = "kiln.data.train.path = data/train.csv\n";

    @TempDir Path tmp;

    private Path file(String text) {
        return write(tmp, "run.conf", text);
    }

    private List<String> problems(Path file, String... overrides) {
        KilnConfig config =
                ConfigLoader.builder().files(List.of(file)).overrides(List.of(overrides)).load();
        return VALIDATOR.check(config).stream()
                .map(ConfigProblem::toString)
                .collect(Collectors.toList());
    }

    @Test
    void nullByDefaultAndSeveralCpusOrDistinctGpusAreFine() {
        Path f = file(VALID);
        assertThat(problems(f)).isEmpty();
        assertThat(ConfigLoader.builder().files(List.of(f)).load().devices()).isEmpty();

        Path cpus = file(VALID + "kiln.devices = [cpu, cpu, cpu]\nkiln.solver.batch-size = 12\n");
        assertThat(problems(cpus)).isEmpty();
        assertThat(ConfigLoader.builder().files(List.of(cpus)).load().devices())
                .contains(List.of("cpu", "cpu", "cpu"));
        assertThat(problems(file(VALID + "kiln.devices = [\"gpu:0\", \"gpu:1\"]\n"))).isEmpty();
        assertThat(problems(file(VALID + "kiln.devices = [gpu, \"gpu:1\"]\n"))).isEmpty();
        // kiln.device set to the first of kiln.devices
        assertThat(
                        problems(
                                file(
                                        VALID
                                                + "kiln.device = \"gpu:1\"\n"
                                                + "kiln.devices = [\"gpu:1\", \"gpu:0\"]\n")))
                .isEmpty();
    }

    @Test
    void aGpuNamedTwiceIsRefused() {
        Path f = file(VALID + "kiln.devices = [\n  \"gpu:0\"\n  \"gpu:1\"\n  gpu\n]\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":5: kiln.devices[2]: names gpu:0 a second time (also"
                                + " kiln.devices[0]); a GPU holds one replica, only cpu may"
                                + " repeat");
    }

    @Test
    void aBatchSizeTheDevicesDoNotDivideIsRefused() {
        Path f = file(VALID + "kiln.devices = [cpu, cpu, cpu]\nkiln.solver.batch-size = 64\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.devices: 3 devices must divide kiln.solver.batch-size"
                                + " (64) into equal slices (the batch is the global one, split"
                                + " over the devices)");
    }

    @Test
    void withAccumulationEachSliceMustSplitIntoEqualMicroBatches() {
        Path f =
                file(
                        VALID
                                + "kiln.devices = [cpu, cpu]\n"
                                + "kiln.solver { batch-size = 12, accumulate-steps = 4 }\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.devices: 2 devices x accumulate-steps 4 = 8 must divide"
                                + " kiln.solver.batch-size (12) into equal slices (the batch is"
                                + " the global one, split over the devices)");
        assertThat(problems(f, "kiln.solver.accumulate-steps = 3")).isEmpty();
        assertThat(problems(f, "kiln.solver.accumulate-steps = 2")).isEmpty();
    }

    @Test
    void aDeviceSetDifferentlyFromTheFirstOfTheDevicesIsRefused() {
        Path f = file(VALID + "kiln.device = \"gpu:1\"\nkiln.devices = [\"gpu:0\", \"gpu:1\"]\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":3: kiln.devices: starts with gpu:0 but kiln.device is gpu:1 (at "
                                + f
                                + ":2); the first of kiln.devices holds the model, so leave"
                                + " kiln.device unset or make it the first of kiln.devices");
    }

    @Test
    void somethingOtherThanAListOfDeviceNamesIsRefused() {
        assertThat(problems(file(VALID + "kiln.devices = cpu\n")))
                .singleElement()
                .asString()
                .endsWith(
                        ":2: kiln.devices: expected a list of devices, such as [cpu, cpu] or"
                                + " [\"gpu:0\", \"gpu:1\"], but got string \"cpu\"");
        assertThat(problems(file(VALID + "kiln.devices = []\n")))
                .singleElement()
                .asString()
                .endsWith(
                        ":2: kiln.devices: must name at least one device; null (the default)"
                                + " trains on kiln.device");
        assertThat(problems(file(VALID + "kiln.devices = [cpu, tpu]\n")))
                .singleElement()
                .asString()
                .endsWith(
                        ":2: kiln.devices[1]: invalid device \"tpu\"; expected one of: cpu, gpu,"
                                + " gpu:<index>");
        assertThat(problems(file(VALID + "kiln.devices = [cpu, 1]\n")))
                .singleElement()
                .asString()
                .endsWith(
                        ":2: kiln.devices[1]: expected a device name (cpu, gpu, gpu:<index>) but"
                                + " got number 1");
    }
}
