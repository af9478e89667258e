package dev.kiln.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.LogCapture;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.events.EventStorage;
import dev.kiln.events.HistoryBuffer;
import dev.kiln.optim.GradientClipper;
import dev.kiln.spi.SettingsException;
import dev.kiln.train.Hook;
import dev.kiln.train.HookBase;
import dev.kiln.train.LambdaHook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsoleWriterTest {

    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.of(ConsoleWriter.class);
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void printsOneProgressLineWithSmoothedLossesTimesLrAndMemory() {
        EventStorage s = new EventStorage();
        for (int i = 0; i < 200; i++) {
            s.setIter(i);
            s.putScalar("total_loss", i < 180 ? 5.0 : 0.1234);
            s.putScalar("loss_cls", 0.5);
            s.putScalar("time", 0.25);
            s.putScalar("data_time", 0.0001);
            s.putScalar("lr", 0.05, false);
        }
        s.setIter(199);
        new ConsoleWriter(400).write(s);
        assertThat(log.messages()).hasSize(1);
        String line = log.messages().get(0);
        // 200 iterations left at the median time 0.25 s: 50 s
        assertThat(line)
                .matches(
                        "eta: 0:00:50  iter: 199  total_loss: 0\\.1234  loss_cls: 0\\.5  time:"
                                + " 0\\.2500  data_time: 0\\.0001  lr: 0\\.05  max_mem: \\d+M");
        assertThat(s.history("eta_seconds").latest()).isEqualTo(50.0);
    }

    @Test
    void aLossPutWithoutSmoothingIsPrintedAsItsNewestValue() {
        EventStorage s = new EventStorage();
        for (int i = 0; i < 20; i++) {
            s.setIter(i);
            s.putScalar("total_loss", 1.0);
            if (i % 5 == 4) {
                // a validation loss, evaluated every 5 iterations: 3, 2, 1, 0.25
                s.putScalar("test/loss", i == 19 ? 0.25 : 3.0 - i / 5, false);
            }
        }
        new ConsoleWriter(40).write(s);
        assertThat(log.messages().get(0)).contains("total_loss: 1  test/loss: 0.25  ");
    }

    /**
     * 40 iterations of 0.25 s: total_loss 0.5; grad_norm 1.5321 but 9 in the last 9 (the median of
     * the last 20 is 1.5321, the newest 9); test/accuracy every 10 without smoothing, the newest
     * 0.97494.
     */
    private static EventStorage storageWithExtraScalars() {
        EventStorage s = new EventStorage();
        double[] accuracy = {0.5, 0.6, 0.7, 0.97494};
        for (int i = 0; i < 40; i++) {
            s.setIter(i);
            s.putScalar("total_loss", 0.5);
            s.putScalar("grad_norm", i >= 31 ? 9.0 : 1.5321);
            if (i % 10 == 9) {
                s.putScalar("test/accuracy", accuracy[i / 10], false);
            }
            s.putScalar("time", 0.25);
            s.putScalar("data_time", 0.0001);
            s.putScalar("lr", 0.05, false);
        }
        return s;
    }

    @Test
    void showsTheScalarsAskedForAfterTheLossesSmoothedOrNewest() {
        EventStorage s = storageWithExtraScalars();
        // absent ones are left out, those the line shows anyway not repeated
        List<String> show =
                List.of("grad_norm", "not/put", "test/accuracy", "lr", "total_loss", "time");
        new ConsoleWriter(400, 20, Device.cpu(), show).write(s);
        // 360 iterations left at the median time 0.25 s: 90 s
        assertThat(log.messages())
                .singleElement()
                .asString()
                .matches(
                        "eta: 0:01:30  iter: 39  total_loss: 0\\.5  grad_norm: 1\\.532"
                                + "  test/accuracy: 0\\.9749  time: 0\\.2500  data_time: 0\\.0001"
                                + "  lr: 0\\.05  max_mem: \\d+M");
    }

    @Test
    void withNothingAskedForTheLineIsAsBefore() {
        new ConsoleWriter(400).write(storageWithExtraScalars());
        assertThat(log.messages())
                .singleElement()
                .asString()
                .matches(
                        "eta: 0:01:30  iter: 39  total_loss: 0\\.5  time: 0\\.2500  data_time:"
                                + " 0\\.0001  lr: 0\\.05  max_mem: \\d+M");
    }

    @Test
    void theConfiguredWriterShowsKilnConsoleShowInItsOrder() {
        Config section = ConfigFactory.parseString("show = [test/accuracy, grad_norm]");
        Config kiln = ConfigFactory.parseString("solver.max-iter = 400");
        new ConsoleWriter(section, kiln, Device.cpu()).write(storageWithExtraScalars());
        assertThat(log.messages())
                .singleElement()
                .asString()
                .contains(
                        "  total_loss: 0.5  test/accuracy: 0.9749  grad_norm: 1.532  time: 0.2500");
        // a section without the key (a config without core's reference.conf): nothing more shown
        new ConsoleWriter(ConfigFactory.empty(), kiln, Device.cpu())
                .write(storageWithExtraScalars());
        assertThat(log.messages().get(1)).contains("  total_loss: 0.5  time: 0.2500  ");
    }

    @Test
    void anEmptyNameIsRefusedWithItsKey() {
        Config section = ConfigFactory.parseString("show = [grad_norm, \"\"]");
        Config kiln = ConfigFactory.parseString("solver.max-iter = 400");
        assertThatThrownBy(() -> new ConsoleWriter(section, kiln, Device.cpu()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("kiln.console.show")
                .hasMessageContaining("a scalar's name is empty");
    }

    @TempDir Path tmp;

    /** The gradients' global L2 norm as {@code grad_norm}, as Hook's documentation shows. */
    static final class GradNormHook extends HookBase {
        private final Block model;

        GradNormHook(Block model) {
            this.model = model;
        }

        @Override
        public void afterBackward() {
            double sumOfSquares = 0;
            for (Parameter parameter : model.getParameters().values()) {
                NDArray weight = parameter.getArray();
                if (!weight.hasGradient()) {
                    continue;
                }
                try (NDArray gradient = weight.getGradient();
                        NDArray norm = gradient.norm()) {
                    double value = norm.getFloat();
                    sumOfSquares += value * value;
                }
            }
            trainer().storage().putScalar("grad_norm", Math.sqrt(sumOfSquares));
        }
    }

    /** A run whose hooks end with the grad-norm hook and probes after it. */
    static final class GradNormTrainer extends DefaultTrainer {
        final List<Double> clipperNorms = new ArrayList<>();
        final List<Integer> arraysAfterStep = new ArrayList<>();

        GradNormTrainer(KilnRun run) {
            super(run.config(), run.registry());
        }

        @Override
        protected List<Hook> buildHooks() {
            List<Hook> hooks = new ArrayList<>(super.buildHooks());
            NDManager parameters = model().getParameters().valueAt(0).getArray().getManager();
            Hook probe =
                    LambdaHook.builder()
                            .afterBackward(
                                    t ->
                                            // measures the norm without clipping anything
                                            clipperNorms.add(
                                                    (double)
                                                            GradientClipper.byNorm(Float.MAX_VALUE)
                                                                    .clip(model().getParameters())))
                            .afterStep(
                                    t -> arraysAfterStep.add(parameters.getManagedArrays().size()))
                            .build();
            hooks.addAll(hooks.size() - 1, List.of(new GradNormHook(model()), probe));
            return hooks;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aGradientNormPutInAfterBackwardIsShownWhenAskedFor(String engine) throws Exception {
        Path digits = Path.of(getClass().getResource("/data/digits-40.csv").toURI());
        try (KilnRun run =
                        KilnRun.builder()
                                .overrides(
                                        List.of(
                                                "kiln.engine=" + engine,
                                                "kiln.data.train.path=\"" + digits + "\"",
                                                "kiln.solver.max-iter=30",
                                                "kiln.solver.batch-size=8",
                                                "kiln.model.hidden-sizes=[16]",
                                                "kiln.writers=[console]",
                                                "kiln.writer-period=10",
                                                "kiln.console.show=[grad_norm]",
                                                "kiln.output-dir=\"" + tmp.resolve("run") + "\""))
                                .load();
                GradNormTrainer trainer = new GradNormTrainer(run)) {
            trainer.train();
            HistoryBuffer gradNorm = trainer.trainer().storage().history("grad_norm");
            double[] norms = gradNorm.values();
            assertThat(norms).hasSize(30);
            for (int i = 0; i < norms.length; i++) {
                assertThat(norms[i])
                        .as("grad_norm at %d", i)
                        .isPositive()
                        .isCloseTo(trainer.clipperNorms.get(i), within(1e-5 * norms[i]));
            }
            // the hook closes every array it makes: none stays on the parameters' manager
            assertThat(trainer.arraysAfterStep.subList(1, 30))
                    .containsOnly(trainer.arraysAfterStep.get(1));

            double[] losses = trainer.trainer().storage().history("total_loss").values();
            List<String> lines = log.messages();
            assertThat(lines).hasSize(3);
            for (int k = 0; k < 3; k++) {
                int iter = 10 * k + 9;
                String expected =
                        "eta: \\d+:\\d\\d:\\d\\d  iter: "
                                + iter
                                + "  total_loss: "
                                + Pattern.quote(DecimalText.significant(median20(losses, iter), 4))
                                + "  grad_norm: "
                                + Pattern.quote(DecimalText.significant(median20(norms, iter), 4))
                                + "  time: \\d+\\.\\d{4}  data_time: \\d+\\.\\d{4}  lr: 0\\.05"
                                + "  max_mem: \\d+M";
                assertThat(lines.get(k)).matches(expected);
            }
        }
    }

    /** The median of the 20 values up to index {@code last} included, as the console takes it. */
    private static double median20(double[] values, int last) {
        double[] recent = Arrays.copyOfRange(values, Math.max(0, last - 19), last + 1);
        Arrays.sort(recent);
        int n = recent.length;
        return n % 2 == 1 ? recent[n / 2] : (recent[n / 2 - 1] + recent[n / 2]) / 2;
    }

    @Test
    void writesNothingOnceTrainingIsOver() {
        EventStorage s = new EventStorage();
        s.putScalar("total_loss", 1);
        s.setIter(10);
        new ConsoleWriter(10).write(s);
        assertThat(log.messages()).isEmpty();
    }

    @Test
    void durationsReadLikePythonTimedelta() {
        assertThat(ConsoleWriter.formatDuration(83)).isEqualTo("0:01:23");
        assertThat(ConsoleWriter.formatDuration(86_400 + 3723)).isEqualTo("1 day, 1:02:03");
        assertThat(ConsoleWriter.formatDuration(2 * 86_400)).isEqualTo("2 days, 0:00:00");
    }
}
