package dev.kiln.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DevicesTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void parsesCpu(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        assertThat(Devices.parse("cpu", engine)).isEqualTo(Device.cpu());
        assertThat(Devices.parse(" CPU ", engine)).isEqualTo(Device.cpu());
        assertThat(Devices.available(engine)).startsWith("cpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpu", "gpu:0", "GPU:3"})
    void parsesGpuSyntax(String spec) {
        Device device = Devices.parseSyntax(spec);
        assertThat(device.isGpu()).isTrue();
        assertThat(device.getDeviceId()).isEqualTo(spec.endsWith("3") ? 3 : 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void missingGpuNamesWhatIsAvailable(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        int gpus = engine.getGpuCount();
        String spec = "gpu:" + gpus;
        assertThatThrownBy(() -> Devices.parse(spec, engine))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "device \""
                                + spec
                                + "\" is not available: engine "
                                + engineName
                                + " sees "
                                + gpus)
                .hasMessageContaining("available devices: cpu");
    }

    @org.junit.jupiter.api.Test
    void eachProcessOfAHostTakesGpusOfItsOwnAndSharesTheCpu() {
        List<Device> one = List.of(Device.gpu(0));
        assertThat(Devices.forLocalRank(one, 0)).containsExactly(Device.gpu(0));
        assertThat(Devices.forLocalRank(one, 3)).containsExactly(Device.gpu(3));
        List<Device> two = List.of(Device.gpu(0), Device.gpu(1));
        assertThat(Devices.forLocalRank(two, 1)).containsExactly(Device.gpu(2), Device.gpu(3));
        assertThat(Devices.forLocalRank(List.of(Device.gpu(1)), 1)).containsExactly(Device.gpu(2));
        List<Device> cpus = List.of(Device.cpu(), Device.cpu());
        assertThat(Devices.forLocalRank(cpus, 1)).isEqualTo(cpus);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aProcessWhoseGpusTheEngineLacksIsToldWhy(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        List<Device> moved = Devices.forLocalRank(List.of(Device.gpu(0)), engine.getGpuCount());
        assertThatThrownBy(() -> Devices.requireAvailable(moved, engine, "process 1 of this host"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "process 1 of this host: device \"gpu:" + engine.getGpuCount() + "\"")
                .hasMessageContaining("available devices: cpu");
        Devices.requireAvailable(List.of(Device.cpu()), engine, "the cpu is always there");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tpu", "gpu:", "gpu:x", "cpu:1", "gpu1", "gpu:-1"})
    void badSyntaxListsValidForms(String spec) {
        assertThatThrownBy(() -> Devices.parseSyntax(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "invalid device \"" + spec + "\"; expected one of: cpu, gpu, gpu:<index>");
    }
}
