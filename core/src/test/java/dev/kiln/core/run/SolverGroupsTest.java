package dev.kiln.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.kiln.LogCapture;
import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.optim.SolverGroups;
import dev.kiln.model.ModelShape;
import dev.kiln.optim.ParameterGroup;
import dev.kiln.spi.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kiln.solver.freeze} and {@code kiln.solver.param-groups} through the trainer. */
class SolverGroupsTest {

    @TempDir Path tmp;

    private KilnRun run(String conf, String... overrides) throws Exception {
        Path digits = Path.of(getClass().getResource("/data/digits-40.csv").toURI());
        Path file = tmp.resolve("groups.conf");
        Files.writeString(file, conf);
        List<String> all = new ArrayList<>();
        all.add("kiln.data.train.path=\"" + digits + "\"");
        all.add("kiln.solver.max-iter=5");
        all.add("kiln.solver.batch-size=8");
        all.add("kiln.model.hidden-sizes=[16, 8]");
        all.add("kiln.output-dir=\"" + tmp.resolve("run") + "\"");
        all.addAll(List.of(overrides));
        return KilnRun.builder().configFiles(List.of(file)).overrides(all).load();
    }

    private static Map<String, float[]> snapshot(ParameterList parameters) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            NDArray array = parameters.valueAt(i).getArray();
            values.put(parameters.keyAt(i), array.toFloatArray());
        }
        return values;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void frozenParametersStayBitwiseWhileTheOthersTrain(String engine) throws Exception {
        try (KilnRun run =
                        run("kiln.solver.freeze = [\".*hidden1_.*\"]\n", "kiln.engine=" + engine);
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            Map<String, float[]> before = snapshot(trainer.model().getParameters());
            trainer.train();
            Map<String, float[]> after = snapshot(trainer.model().getParameters());
            assertThat(before.keySet())
                    .contains("01hidden1_weight", "01hidden1_bias", "05output_weight");
            for (String name : before.keySet()) {
                if (name.contains("hidden1_")) {
                    assertThat(after.get(name)).as(name).containsExactly(before.get(name));
                } else {
                    assertThat(after.get(name)).as(name).isNotEqualTo(before.get(name));
                }
            }
            try (var out = trainer.engine().newBaseManager()) {
                assertThat(trainer.optimizer().stateDict(out).keySet())
                        .isNotEmpty()
                        .noneMatch(k -> k.contains("hidden1_"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void paramGroupsReachTheOptimizer(String engine) throws Exception {
        String conf =
                "kiln.solver.param-groups = [\n"
                        + "  { match = \".*output_.*\", lr-factor = 0.1 }\n"
                        + "  { match = \".*_bias\", weight-decay = 0 }\n"
                        + "]\n";
        try (KilnRun run = run(conf, "kiln.engine=" + engine, "kiln.solver.optimizer=adamw");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            List<ParameterGroup> groups = trainer.optimizer().parameterGroups();
            assertThat(groups).hasSize(2);
            assertThat(groups.get(0).lrFactor()).isEqualTo(0.1f);
            assertThat(groups.get(0).weightDecay()).isNull();
            assertThat(groups.get(1).lrFactor()).isEqualTo(1f);
            assertThat(groups.get(1).weightDecay()).isEqualTo(0f);
        }
    }

    /** A model with a batch norm layer in front, named 02BatchNorm_... and 03Linear_... */
    static final class NormTrainer extends DefaultTrainer {
        NormTrainer(KilnRun run) {
            super(run.config(), run.registry());
        }

        @Override
        protected Block buildModel(ModelShape shape) {
            return new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(BatchNorm.builder().build())
                    .add(Linear.builder().setUnits(shape.outputs()).build());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aFrozenBatchNormKeepsItsRunningStatistics(String engine) throws Exception {
        Map<String, float[]> free;
        try (KilnRun run = run("", "kiln.engine=" + engine);
                DefaultTrainer trainer = new NormTrainer(run)) {
            trainer.setUp();
            Map<String, float[]> before = snapshot(trainer.model().getParameters());
            trainer.train();
            free = snapshot(trainer.model().getParameters());
            // unfrozen, training moves them
            String mean = find(before, "runningMean");
            assertThat(free.get(mean)).isNotEqualTo(before.get(mean));
        }
        try (KilnRun run =
                        run(
                                "kiln.solver.freeze = [\".*BatchNorm_(gamma|beta)\"]\n",
                                "kiln.engine=" + engine);
                DefaultTrainer trainer = new NormTrainer(run)) {
            trainer.setUp();
            Map<String, float[]> before = snapshot(trainer.model().getParameters());
            trainer.train();
            Map<String, float[]> after = snapshot(trainer.model().getParameters());
            for (String name : before.keySet()) {
                if (name.contains("BatchNorm")) {
                    assertThat(after.get(name)).as(name).containsExactly(before.get(name));
                } else {
                    assertThat(after.get(name)).as(name).isNotEqualTo(before.get(name));
                }
            }
        }
    }

    private static String find(Map<String, float[]> values, String suffix) {
        return values.keySet().stream().filter(k -> k.endsWith(suffix)).findFirst().orElseThrow();
    }

    @Test
    void aPatternMatchingEveryParameterIsRefused() throws Exception {
        try (KilnRun run = run("kiln.solver.freeze = [\".*_weight\", \".*_bias\"]\n");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            assertThatThrownBy(trainer::setUp)
                    .isInstanceOf(SettingsException.class)
                    .hasMessageStartingWith(tmp.resolve("groups.conf") + ":1: kiln.solver.freeze:")
                    .hasMessageContaining("matches every trainable parameter");
        }
    }

    @Test
    void anInvalidPatternIsRefusedNamingTheKeyAndTheProblem() throws Exception {
        assertThatThrownBy(() -> run("kiln.solver.freeze = [\".*hidden1_.*\", \"[oops\"]\n"))
                .isInstanceOf(KilnConfigException.class)
                .hasMessageContaining(tmp.resolve("groups.conf") + ":1: kiln.solver.freeze[1]:")
                .hasMessageContaining("invalid regular expression \"[oops\"")
                .hasMessageContaining("Unclosed character class");
        // and where the config is not validated, by the trainer
        Config solver =
                ConfigFactory.parseString("freeze = [\"[oops\"]", ConfigParseOptions.defaults());
        assertThatThrownBy(() -> SolverGroups.freezePatterns(solver))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("kiln.solver.freeze[0]: invalid regular expression");
    }

    @Test
    void aPatternMatchingNothingIsWarnedOf() throws Exception {
        try (LogCapture log = LogCapture.of(SolverGroups.class);
                KilnRun run = run("kiln.solver.freeze = [\"hidden1\", \".*hidden1_.*\"]\n");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.setUp();
            assertThat(log.messages())
                    .anyMatch(
                            m ->
                                    m.contains("kiln.solver.freeze")
                                            && m.contains("\"hidden1\" matches no parameter"));
            assertThat(log.messages()).noneMatch(m -> m.contains("\".*hidden1_.*\" matches no"));
        }
    }

    @Test
    void badParamGroupsAreRefusedAtTheirLine() throws Exception {
        Path conf = tmp.resolve("groups.conf");
        String[][] cases = {
            {
                "{ match = \".*\", lr-factr = 2 }",
                "[0].lr-factr: unknown key",
                "did you mean lr-factor"
            },
            {
                "{ match = \".*\", lr-factor = -1 }",
                "[0].lr-factor: must be a number at least 0.0",
                ""
            },
            {
                "{ match = \".*\", weight-decay = -0.1 }",
                "[0].weight-decay: must be a number at least",
                ""
            },
            {"{ match = \"(\" }", "[0].match: invalid regular expression \"(\"", "Unclosed group"},
            {"{ lr-factor = 0.5 }", "[0].match: required value missing", ""},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> run("kiln.solver.param-groups = [\n  " + c[0] + "\n]\n"))
                    .as(c[0])
                    .isInstanceOf(KilnConfigException.class)
                    .hasMessageContaining("kiln.solver.param-groups" + c[1])
                    .hasMessageContaining(c[2])
                    .hasMessageContaining(c[1].contains("required") ? "" : conf + ":2: ");
            Config solver = ConfigFactory.parseString("param-groups = [" + c[0] + "]");
            assertThatThrownBy(() -> SolverGroups.paramGroups(solver))
                    .as(c[0])
                    .isInstanceOf(SettingsException.class)
                    .hasMessageContaining("kiln.solver.param-groups" + c[1]);
        }
    }
}
