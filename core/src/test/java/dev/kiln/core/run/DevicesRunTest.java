package dev.kiln.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.nn.ParameterList;
import dev.kiln.spi.SettingsException;
import dev.kiln.train.Replica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kiln.devices} through the config and DefaultTrainer, against accumulation. */
class DevicesRunTest {

    @TempDir Path tmp;

    private int runs;

    private KilnRun run(String engine, String... overrides) throws Exception {
        Path digits = Path.of(getClass().getResource("/data/digits-40.csv").toURI());
        List<String> all = new ArrayList<>();
        all.add("kiln.engine=" + engine);
        all.add("kiln.data.train.path=\"" + digits + "\"");
        all.add("kiln.data.train.test-fraction=0.25");
        all.add("kiln.solver.max-iter=12");
        all.add("kiln.solver.batch-size=8");
        all.add("kiln.model.hidden-sizes=[16, 8]");
        all.add("kiln.hooks=[]");
        all.add("kiln.output-dir=\"" + tmp.resolve("run" + runs++) + "\"");
        all.addAll(List.of(overrides));
        return KilnRun.builder().overrides(all).load();
    }

    /** A finished run: the model's parameters and the losses it recorded. */
    private record Trained(List<float[]> parameters, double[] losses, List<Device> devices) {}

    private Trained train(String engine, String... overrides) throws Exception {
        try (KilnRun run = run(engine, overrides);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            List<float[]> parameters = values(trainer.model().getParameters());
            for (Replica replica : trainer.trainer().replicas()) {
                List<float[]> theirs = values(replica.parameters());
                for (int i = 0; i < parameters.size(); i++) {
                    assertThat(bits(theirs.get(i)))
                            .as("replica parameter %d", i)
                            .isEqualTo(bits(parameters.get(i)));
                }
            }
            return new Trained(
                    parameters,
                    trainer.trainer().storage().history("total_loss").values(),
                    trainer.devices());
        }
    }

    private static List<float[]> values(ParameterList parameters) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            out.add(parameters.valueAt(i).getArray().toFloatArray());
        }
        return out;
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int j = 0; j < values.length; j++) {
            out[j] = Float.floatToRawIntBits(values[j]);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void twoCpuDevicesTrainBitwiseAsAccumulatingTwoMicroBatches(String engine) throws Exception {
        Trained accumulated = train(engine, "kiln.solver.accumulate-steps=2");
        Trained spread = train(engine, "kiln.devices=[cpu, cpu]");
        Trained single = train(engine);

        assertThat(spread.devices()).containsExactly(Device.cpu(), Device.cpu());
        assertThat(accumulated.devices()).containsExactly(Device.cpu());
        assertThat(spread.losses()).hasSize(12).containsExactly(accumulated.losses());
        for (int i = 0; i < accumulated.parameters().size(); i++) {
            assertThat(bits(spread.parameters().get(i)))
                    .as("parameter %d", i)
                    .isEqualTo(bits(accumulated.parameters().get(i)));
        }
        // the runs trained, and one device without accumulation is only close to them
        assertThat(single.parameters().get(0)).isNotEqualTo(accumulated.parameters().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void devicesAccumulatingEachTheirSliceAgreeWithAccumulatingTheWholeBatch(String engine)
            throws Exception {
        Trained accumulated = train(engine, "kiln.solver.accumulate-steps=4");
        Trained spread = train(engine, "kiln.devices=[cpu, cpu]", "kiln.solver.accumulate-steps=2");

        for (int i = 0; i < accumulated.parameters().size(); i++) {
            float[] expected = accumulated.parameters().get(i);
            float[] actual = spread.parameters().get(i);
            double largest = 0;
            double difference = 0;
            for (int j = 0; j < expected.length; j++) {
                largest = Math.max(largest, Math.abs(expected[j]));
                difference = Math.max(difference, Math.abs(actual[j] - expected[j]));
            }
            assertThat(difference).as("parameter %d", i).isLessThanOrEqualTo(1e-5 * largest);
        }
    }

    @Test
    void aGpuTheEngineDoesNotHaveIsRefusedNamingItsLine() throws Exception {
        Path digits = Path.of(getClass().getResource("/data/digits-40.csv").toURI());
        Path conf = tmp.resolve("gpus.conf");
        Files.writeString(
                conf,
                "kiln.data.train.path = \""
                        + digits
                        + "\"\n"
                        + "kiln.devices = [\n  cpu\n  \"gpu:0\"\n]\n");
        try (KilnRun run =
                        KilnRun.builder()
                                .configFiles(List.of(conf))
                                .overrides(
                                        List.of("kiln.output-dir=\"" + tmp.resolve("gpu") + "\""))
                                .load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::setUp)
                    .isInstanceOf(SettingsException.class)
                    .hasMessage(
                            conf
                                    + ":4: kiln.devices[1]: device \"gpu:0\" is not available:"
                                    + " engine PyTorch sees 0 GPUs; available devices: cpu");
        }
    }
}
