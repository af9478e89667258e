package dev.kiln.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run of a model with batch norm, stopped and resumed through the {@code checkpoint} hook (from
 * kiln-hooks-checkpoint, on the test class path only), ends with exactly the parameters, running
 * statistics included, of a run that never stopped.
 */
class ResumeTest {

    private static final Map<String, String[]> MODELS =
            Map.of(
                    "cnn",
                    new String[] {
                        "kiln.model.type=cnn",
                        "kiln.model.channels=[4, 8]",
                        "kiln.model.hidden-sizes=[16]",
                        "kiln.model.batch-norm=true"
                    },
                    "resnet",
                    new String[] {
                        "kiln.model.type=resnet",
                        "kiln.model.depth=18",
                        "kiln.model.width=4",
                        "kiln.model.small-input=true"
                    });

    @TempDir Path tmp;

    @ParameterizedTest
    @CsvSource({"PyTorch, cnn", "MXNet, cnn", "PyTorch, resnet", "MXNet, resnet"})
    void aResumedRunEndsBitwiseEqualToOneThatNeverStopped(String engine, String model) {
        Map<String, byte[]> uninterrupted;
        try (KilnRun run = load("full", engine, model);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            uninterrupted = Images.bytes(trainer.model());
        }
        try (KilnRun run = load("stopped", engine, model);
                DefaultTrainer trainer = new StoppingTrainer(run, 4)) {
            trainer.train();
            assertThat(trainer.trainer().iter()).isEqualTo(5);
            assertThat(Images.bytes(trainer.model())).isNotEqualTo(uninterrupted);
        }
        try (KilnRun run = load("stopped", engine, model, "kiln.resume=true");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isEqualTo(5);
            Map<String, byte[]> resumed = Images.bytes(trainer.model());

            assertThat(resumed.keySet())
                    .containsExactlyElementsOf(uninterrupted.keySet())
                    .anyMatch(name -> name.endsWith("runningMean"))
                    .anyMatch(name -> name.endsWith("runningVar"));
            uninterrupted.forEach(
                    (name, bytes) -> assertThat(resumed.get(name)).as(name).isEqualTo(bytes));
        }
    }

    private KilnRun load(String dir, String engine, String model, String... more) {
        String[] overrides =
                Stream.of(
                                new String[] {
                                    "kiln.engine=" + engine,
                                    "kiln.data.train.type=tiny-images",
                                    "kiln.hooks=[checkpoint]",
                                    "kiln.checkpoint.period=100",
                                    "kiln.solver.max-iter=12",
                                    "kiln.solver.batch-size=8"
                                },
                                MODELS.get(model),
                                more)
                        .flatMap(Stream::of)
                        .toArray(String[]::new);
        return TestTrainer.in(tmp).outputDir(tmp.resolve(dir)).overrides(overrides).load();
    }

    /** A trainer that asks to stop after a given iteration, which makes the checkpoint hook save. */
    private static final class StoppingTrainer extends DefaultTrainer {
        private final long last;

        StoppingTrainer(KilnRun run, long last) {
            super(run.config(), run.registry());
            this.last = last;
        }

        @Override
        protected List<Hook> buildHooks() {
            List<Hook> hooks = new ArrayList<>(super.buildHooks());
            hooks.add(
                    hooks.size() - 1,
                    LambdaHook.builder()
                            .name("stopper")
                            .afterStep(
                                    t -> {
                                        if (t.iter() == last) {
                                            t.requestStop("test stop");
                                        }
                                    })
                            .build());
            return hooks;
        }
    }
}
