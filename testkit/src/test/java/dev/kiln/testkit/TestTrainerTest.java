package dev.kiln.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.hooks.IterationTimer;
import dev.kiln.core.hooks.PeriodicWriter;
import dev.kiln.core.run.KilnRun;
import dev.kiln.fixtures.ConfiguredHook;
import dev.kiln.train.HookBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestTrainerTest {

    @TempDir Path tmp;

    /** Records the iterations it saw, to show a hook instance runs inside the loop. */
    private static final class Probe extends HookBase {
        final List<Long> seen = new ArrayList<>();

        @Override
        public void afterStep() {
            seen.add(trainer().iter());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsTheBuiltInDataForTheGivenIterationsOnTheGivenEngine(String engine) {
        Probe probe = new Probe();

        TrainedRun run = TestTrainer.in(tmp).engine(engine).iterations(60).hook(probe).train();

        assertThat(run.config().engine()).isEqualTo(engine);
        assertThat(run.endIteration()).isEqualTo(60);
        assertThat(probe.seen).hasSize(60).startsWith(0L, 1L).endsWith(59L);
        double[] losses = run.history("total_loss").values();
        assertThat(losses).hasSize(60);
        // three well-separated classes: the loss falls well below its start
        double first = run.history("total_loss").values()[0];
        assertThat(run.history("total_loss").median(10)).isLessThan(first / 4);
        assertThat(run.outputDir()).isEqualTo(tmp.resolve("output")).isEmptyDirectory();
    }

    @Test
    void hooksAndWritersAreSelectedByNameAndHookInstancesRunBeforeThePeriodicWriter() {
        Probe probe = new Probe();

        TrainedRun run =
                TestTrainer.in(tmp)
                        .iterations(3)
                        .hooks("configured")
                        .writers("test-writer")
                        .set("kiln.writer-period", 1)
                        .hook(probe)
                        .train();

        assertThat(run.hooks())
                .hasSize(4)
                .satisfiesExactly(
                        h -> assertThat(h).isInstanceOf(IterationTimer.class),
                        h -> assertThat(h).isInstanceOf(ConfiguredHook.class),
                        h -> assertThat(h).isSameAs(probe),
                        h -> assertThat(h).isInstanceOf(PeriodicWriter.class));
        assertThat(((ConfiguredHook) run.hooks().get(1)).outputDir)
                .isEqualTo(tmp.resolve("output"));
        assertThat(run.config().writers()).containsExactly("test-writer");
    }

    @Test
    void laterSettingsWinAndOverridesTakeHoconSyntax() {
        TrainedRun run =
                TestTrainer.in(tmp)
                        .iterations(5)
                        .iterations(4)
                        .set("kiln.model.hidden-sizes", List.of(8, 8))
                        .override("kiln.hooks += configured")
                        .train();

        assertThat(run.endIteration()).isEqualTo(4);
        assertThat(run.config().config().getIntList("kiln.model.hidden-sizes"))
                .containsExactly(8, 8);
        assertThat(run.config().hooks()).containsExactly("configured");
    }

    @Test
    void aConfigFileSitsAboveTheBaselineAndBelowTheSettings() throws Exception {
        Path file = tmp.resolve("mine.conf");
        Files.writeString(file, "kiln.solver { max-iter = 7, batch-size = 4 }\n");

        TrainedRun run =
                TestTrainer.in(tmp).configFile(file).set("kiln.solver.max-iter", 2).train();

        assertThat(run.endIteration()).isEqualTo(2);
        assertThat(run.config().batchSize()).isEqualTo(4);
    }

    @Test
    void trainsOnAGivenCsvFile() throws Exception {
        Path digits = TestData.digits40(tmp.resolve("data"));

        TrainedRun run = TestTrainer.in(tmp).data(digits).iterations(2).train();

        assertThat(run.config().trainData().getString("path")).isEqualTo(digits.toString());
        assertThat(run.history("total_loss").count()).isEqualTo(2);
    }

    @Test
    void extensionsOfAPluginFolderAreFound() {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("counter.jar")
                .java(
                        """
                        package com.example;

                        import dev.kiln.events.EventStorage;
                        import dev.kiln.spi.KilnExtension;
                        import dev.kiln.train.Hook;
                        import jakarta.inject.Inject;

                        @KilnExtension(name = "counter", description = "counts iterations")
                        public final class Counter implements Hook {
                            @Inject
                            public Counter() {}

                            @Override
                            public void afterStep() {
                                EventStorage.current().putScalar("counted", 1.0, false);
                            }
                        }
                        """)
                .service("dev.kiln.train.Hook", "com.example.Counter")
                .writeTo(plugins);

        TrainedRun run =
                TestTrainer.in(tmp).plugins(plugins).hooks("counter").iterations(3).train();

        assertThat(run.history("counted").count()).isEqualTo(3);
    }

    @Test
    void aRunDirectoryThatHoldsFilesIsRefused() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(out.resolve("metrics.csv"), "iteration\n");

        assertThatThrownBy(() -> TestTrainer.in(tmp).outputDir(out).train())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(out.toString())
                .hasMessageContaining("not empty");
        assertThat(out.resolve("metrics.csv")).hasContent("iteration\n");
    }

    @Test
    void aBadKeyIsReportedAsByTheCommand() {
        assertThatThrownBy(() -> TestTrainer.in(tmp).set("kiln.solver.max-itr", 3).train())
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("kiln.solver.max-itr")
                .hasMessageContaining("max-iter");
    }

    @Test
    void anUnknownHookNameIsReported() {
        assertThatThrownBy(() -> TestTrainer.in(tmp).hooks("nope").train())
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining("unknown hook \"nope\"");
    }

    @Test
    void withDefaultsKeepsTheHooksAndWritersTheClassPathContributes() {
        try (KilnRun kept = TestTrainer.in(tmp.resolve("kept")).withDefaults().load();
                KilnRun none = TestTrainer.in(tmp.resolve("none")).load()) {
            // on the kit's own class path only core contributes: the console writer
            assertThat(kept.config().writers()).containsExactly("console");
            assertThat(none.config().writers()).isEmpty();
            assertThat(none.config().hooks()).isEmpty();
        }
    }
}
