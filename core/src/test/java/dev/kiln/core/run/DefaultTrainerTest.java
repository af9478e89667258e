package dev.kiln.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.hooks.IterationTimer;
import dev.kiln.core.hooks.PeriodicWriter;
import dev.kiln.core.optim.Adam;
import dev.kiln.core.optim.Sgd;
import dev.kiln.fixtures.ConfiguredHook;
import dev.kiln.fixtures.TestWriter;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.SettingsException;
import dev.kiln.train.Hook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DefaultTrainerTest {

    @TempDir Path tmp;

    private KilnRun run(String... overrides) throws Exception {
        Path digits = Path.of(getClass().getResource("/data/digits-40.csv").toURI());
        List<String> all = new ArrayList<>();
        all.add("kiln.data.train.path=\"" + digits + "\"");
        all.add("kiln.data.train.test-fraction=0.25");
        all.add("kiln.solver.max-iter=30");
        all.add("kiln.solver.batch-size=8");
        all.add("kiln.model.hidden-sizes=[16]");
        all.add("kiln.output-dir=\"" + tmp.resolve("run") + "\"");
        all.addAll(List.of(overrides));
        return KilnRun.builder().overrides(all).load();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsWhatTheConfigSaysOnEitherEngine(String engine) throws Exception {
        try (KilnRun run = run("kiln.engine=" + engine, "kiln.hooks=[configured]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.engine().getEngineName()).isEqualTo(engine);
            // 40 rows, a quarter held out
            assertThat(trainer.trainData().examples().size()).isEqualTo(30);
            assertThat(trainer.testData()).isPresent();
            assertThat(trainer.testData().get().size()).isEqualTo(10);
            assertThat(trainer.trainData().classCount()).isEqualTo(10);
            assertThat(trainer.optimizer()).isInstanceOf(Sgd.class);
            List<Hook> hooks = trainer.trainer().hooks();
            assertThat(hooks).hasSize(3);
            assertThat(hooks.get(0)).isInstanceOf(IterationTimer.class);
            assertThat(hooks.get(1)).isInstanceOf(ConfiguredHook.class);
            assertThat(hooks.get(2)).isInstanceOf(PeriodicWriter.class);
            assertThat(((ConfiguredHook) hooks.get(1)).outputDir).isEqualTo(tmp.resolve("run"));
            assertThat(hooks.get(1).name()).isEqualTo("configured"); // its extension name
            assertThat(trainer.trainer().storage().history("total_loss").count()).isEqualTo(30);
            assertThat(trainer.trainer().storage().history("time").count()).isEqualTo(30);
        }
    }

    @Test
    void evaluateWithoutAnEvaluationHookSaysWhatToAdd() throws Exception {
        try (KilnRun run = run("kiln.hooks=[configured]");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::evaluate)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("none of kiln.hooks [configured] evaluates")
                    .hasMessageContaining("add one to kiln.hooks");
            // built, and the loss the trainer minimizes is there for an evaluator to use
            assertThat(trainer.loss()).isNotNull();
            assertThat(trainer.trainer().storage().scalarNames()).isEmpty();
        }
    }

    @Test
    void writersAndOptimizerComeFromTheConfigByName() throws Exception {
        TestWriter.WRITES.set(0);
        try (KilnRun run =
                        run(
                                "kiln.writers=[console, test-writer]",
                                "kiln.writer-period=10",
                                "kiln.solver.optimizer=adam",
                                "kiln.solver.base-lr=0.01");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.optimizer()).isInstanceOf(Adam.class);
            assertThat(trainer.optimizer().getLearningRate()).isEqualTo(0.01f);
            // iterations 9, 19 and 29
            assertThat(TestWriter.WRITES.get()).isEqualTo(3);
        }
    }

    /** A subclass building its own optimizer, as a user would. */
    static final class HalfRateTrainer extends DefaultTrainer {
        HalfRateTrainer(KilnRun run) {
            super(run.config(), run.registry());
        }

        @Override
        protected StatefulOptimizer buildOptimizer(Block model) {
            return Sgd.builder().learningRate((float) config().baseLr() / 2).build();
        }
    }

    @Test
    void aSubclassOverridesAPart() throws Exception {
        try (KilnRun run = run("kiln.solver.base-lr=0.2");
                DefaultTrainer trainer = new HalfRateTrainer(run)) {
            trainer.train();
            assertThat(trainer.optimizer().getLearningRate()).isEqualTo(0.1f);
            assertThat(trainer.trainer().storage().history("lr").latest())
                    .isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    @Test
    void aMissingDataFileNamesTheLineThatSetIt() throws Exception {
        try (KilnRun run = run("kiln.data.train.path=/nonexistent/digits.csv");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::setUp)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "command line override 7: kiln.data.train.path: data file not found:"
                                    + " /nonexistent/digits.csv");
        }
        assertThat(tmp.resolve("run")).doesNotExist();
    }

    @Test
    void anUnknownHookIsRefusedBeforeAnythingIsBuilt() {
        assertThatThrownBy(() -> run("kiln.hooks=[nosuchhook]"))
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("unknown hook \"nosuchhook\"")
                .hasMessageContaining("configured");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theLossIsTheExtensionKilnLossTypeNames(String engine) throws Exception {
        double plain;
        double smoothed;
        try (KilnRun run = run("kiln.engine=" + engine, "kiln.solver.max-iter=1");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            plain = trainer.trainer().storage().history("total_loss").latest();
        }
        try (KilnRun run =
                        run(
                                "kiln.engine=" + engine,
                                "kiln.solver.max-iter=1",
                                "kiln.loss.label-smoothing=0.2");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            smoothed = trainer.trainer().storage().history("total_loss").latest();
        }
        // the same weights and first batch, measured against a smoothed target
        assertThat(smoothed).isNotEqualTo(plain);
        try (KilnRun run = run("kiln.loss.type=l1");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            NDManager m = trainer.manager();
            NDList predictions = new NDList(m.create(new float[] {1f, 2f}, new Shape(2, 1)));
            NDList targets = new NDList(m.create(new float[] {0f, 4f}));
            assertThat(trainer.loss().compute(predictions, targets).get("loss_l1").getFloat())
                    .isEqualTo(1.5f);
        }
    }

    @Test
    void aBadLossIsRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> run("kiln.loss.type=focal"))
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("kiln.loss.type: unknown loss type \"focal\"")
                .hasMessageContaining(
                        "known: binary-cross-entropy, l1, l2, smooth-l1, softmax-cross-entropy");
        try (KilnRun run = run("kiln.loss.label-smoothing=1.5");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::setUp)
                    .isInstanceOf(SettingsException.class)
                    .hasMessageEndingWith(
                            "kiln.loss.label-smoothing: must be a number in [0, 1) but is 1.5");
        }
    }
}
