package dev.kiln.core.config;

import static dev.kiln.core.config.ConfigFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValidatorTest {

    private static final ConfigValidator VALIDATOR =
            ConfigValidator.builder()
                    .engines(List.of("PyTorch", "MXNet"))
                    .extensionNames(
                            Map.of(
                                    "kiln.hooks", Set.of("eval", "hello"),
                                    "kiln.writers", Set.of("console", "json"),
                                    "kiln.model.type", Set.of("mlp", "resmlp"),
                                    "kiln.data.train.type", Set.of("csv"),
                                    "kiln.solver.optimizer", Set.of("sgd", "adam", "adamw")))
                    .build();

    /** A valid config: only the required path is set. */
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
    void validConfigHasNoProblems() {
        Path f = file(VALID + "kiln.hooks = [eval, hello]\nkiln.writers = [console, json]\n");

        assertThat(problems(f)).isEmpty();
        KilnConfig config = ConfigLoader.builder().files(List.of(f)).load();
        assertThat(VALIDATOR.validate(config)).isSameAs(config);
    }

    @Test
    void unknownKeySuggestsTheNearestSibling() {
        Path f =
                file(
                        VALID
                                + "kiln {\n"
                                + "  solver {\n"
                                + "    base_lr = 0.1\n"
                                + "    max_iter = 10\n"
                                + "  }\n"
                                + "}\n");

        assertThat(problems(f))
                .containsExactly(
                        f + ":4: kiln.solver.base_lr: unknown key; did you mean base-lr?",
                        f + ":5: kiln.solver.max_iter: unknown key; did you mean max-iter?");
    }

    @Test
    void unknownKeyWithoutNearSiblingListsTheKnownOnes() {
        Path f = file(VALID + "kiln.solver.clip-gradients.foo = 1\n");

        assertThat(problems(f))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith(
                        f
                                + ":2: kiln.solver.clip-gradients.foo: unknown key; known keys in"
                                + " kiln.solver.clip-gradients: enabled, type, value (declared in ")
                .endsWith("reference.conf)");
    }

    @Test
    void unknownTopLevelSectionListsTheKnownOnesAndSaysAPluginMayDeclareIt() {
        Path f = file(VALID + "kiln.tensorboard { dir = tb }\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.tensorboard: unknown key; known keys in kiln: console,"
                                + " data, device, devices, distributed, engine, hooks, loss, model, output-dir, resume,"
                                + " seed, solver,"
                                + " weights, writer-period, writers; if tensorboard belongs to a"
                                + " plugin, "
                                + ConfigValidator.PLUGIN_HINT);
    }

    @Test
    void unknownKeyOnTheCommandLineNamesTheOverride() {
        Path f = file(VALID);

        assertThat(problems(f, "kiln.seed=1", "kiln.sed=2"))
                .containsExactly(
                        "command line override 2: kiln.sed: unknown key; did you mean seed?");
    }

    @Test
    void wrongTypeIsReportedWithTheValue() {
        Path f =
                file(
                        VALID
                                + "kiln.solver.max-iter = \"many\"\n"
                                + "kiln.solver.nesterov = maybe\n"
                                + "kiln.solver.clip-gradients = 5\n"
                                + "kiln.hooks = eval\n");

        assertThat(problems(f))
                .containsExactly(
                        f + ":5: kiln.hooks: expected a list but got string \"eval\"",
                        f + ":4: kiln.solver.clip-gradients: expected an object but got number 5",
                        f + ":2: kiln.solver.max-iter: expected a number but got string \"many\"",
                        f
                                + ":3: kiln.solver.nesterov: expected a boolean but got string"
                                + " \"maybe\"");
    }

    @Test
    void maxEpochsAloneIsFineButNotWithAMaxIterWrittenAboveTheDefaults() {
        assertThat(problems(file(VALID + "kiln.solver.max-epochs = 2\n"))).isEmpty();

        // even the default's value, once written, is a choice that max-epochs contradicts
        Path f = file(VALID + "kiln.solver.max-epochs = 2\nkiln.solver.max-iter = 2000\n");
        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.solver.max-epochs: kiln.solver.max-iter and"
                                + " kiln.solver.max-epochs are both set; set one of them"
                                + " (max-epochs trains ceil(max-epochs x training examples /"
                                + " batch-size) iterations)");
        assertThat(problems(file(VALID + "kiln.solver.max-epochs = 0\n")))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .endsWith("kiln.solver.max-epochs: must be at least 1 but is 0");
    }

    @Test
    void wholeNumbersWhereTheDefaultIsOne() {
        Path f =
                file(
                        VALID
                                + "kiln.solver.batch-size = 10.5\n"
                                + "kiln.model.hidden-sizes = [32, 1.5]\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":3: kiln.model.hidden-sizes[1]: expected a whole number but got"
                                + " number 1.5",
                        f
                                + ":2: kiln.solver.batch-size: expected a whole number but got"
                                + " number 10.5");
    }

    @Test
    void wholeNumberWrittenAsStringOrWithPointZero() {
        Path f =
                file(
                        VALID
                                + "kiln.solver.max-iter = \"10.5\"\n"
                                + "kiln.solver.batch-size = 32.0\n"
                                + "kiln.seed = 3000000000\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.solver.max-iter: expected a whole number but got string"
                                + " \"10.5\"");
    }

    @Test
    void tooLargeForAnInt() {
        Path f = file(VALID + "kiln.solver.max-iter = 3000000000\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.solver.max-iter: must be at most 2147483647 but is"
                                + " 3000000000");
    }

    @Test
    void relativeConfigPathIsReportedAsGiven() {
        Path absolute = file(VALID + "kiln.solver.base_lr = 1\n");
        Path relative = Path.of("").toAbsolutePath().relativize(absolute);

        KilnConfig config = ConfigLoader.builder().files(List.of(relative)).load();

        assertThat(VALIDATOR.check(config))
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        relative + ":2: kiln.solver.base_lr: unknown key; did you mean base-lr?");
    }

    @Test
    void valuesTypesafeConvertsAreAccepted() {
        Path f =
                file(
                        VALID
                                + "kiln.solver.max-iter = \"10\"\n"
                                + "kiln.solver.nesterov = yes\n"
                                + "kiln.output-dir = 2024\n"
                                + "kiln.solver.base-lr = 1\n");

        assertThat(problems(f)).isEmpty();
    }

    @Test
    void outOfRangeValues() {
        Path f =
                file(
                        VALID
                                + "kiln {\n"
                                + "  solver { max-iter = 0, batch-size = -1, base-lr = 0 }\n"
                                + "  model { dropout = 1.5, hidden-sizes = [0] }\n"
                                + "  data.train.test-fraction = 1.5\n"
                                + "  writer-period = 0\n"
                                + "  device = tpu\n"
                                + "  solver.clip-gradients.type = max\n"
                                + "}\n");

        assertThat(problems(f))
                .containsExactly(
                        f + ":5: kiln.data.train.test-fraction: must be in [0, 1) but is 1.5",
                        f
                                + ":7: kiln.device: invalid device \"tpu\"; expected one of: cpu,"
                                + " gpu, gpu:<index>",
                        f + ":4: kiln.model.dropout: must be in [0, 1) but is 1.5",
                        f + ":4: kiln.model.hidden-sizes[0]: must be at least 1 but is 0",
                        f + ":3: kiln.solver.base-lr: must be greater than 0 but is 0",
                        f + ":3: kiln.solver.batch-size: must be at least 1 but is -1",
                        f
                                + ":8: kiln.solver.clip-gradients.type: unknown value \"max\";"
                                + " expected one of: norm, value",
                        f + ":3: kiln.solver.max-iter: must be at least 1 but is 0",
                        f + ":6: kiln.writer-period: must be at least 1 but is 0");
    }

    @Test
    void accumulateStepsMustDivideTheBatchSize() {
        Path f = file(VALID + "kiln.solver {\n  batch-size = 64\n  accumulate-steps = 3\n}\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":4: kiln.solver.accumulate-steps: must divide"
                                + " kiln.solver.batch-size (64) into equal micro-batches but is"
                                + " 3");
        assertThat(problems(f, "kiln.solver.accumulate-steps = 4")).isEmpty();
        assertThat(problems(f, "kiln.solver.accumulate-steps = 0"))
                .containsExactly(
                        "command line override 1: kiln.solver.accumulate-steps: must be at least 1 but"
                                + " is 0");
    }

    @Test
    void weightsAreAPathOrAnObjectWhoseRulesAreChecked() {
        Path f =
                file(
                        VALID
                                + "kiln.weights {\n  path = pretrained/model_final\n  rename = [\n"
                                + "    { from = \"^(\\\\d+)output_\", to = \"$1head_\" }\n"
                                + "    { from = \"(unclosed\", to = x }\n  ]\n}\n");

        assertThat(problems(f))
                .singleElement()
                .asString()
                .startsWith(
                        f
                                + ":6: kiln.weights.rename[1].from: invalid regular expression"
                                + " \"(unclosed\": ");
        assertThat(problems(file(VALID + "kiln.weights = pretrained/model_final\n"))).isEmpty();
        assertThat(problems(file(VALID + "kiln.weights { path = p, strict = true }\n"))).isEmpty();
        assertThat(problems(file(VALID + "kiln.weights { strict = true }\n")))
                .singleElement()
                .asString()
                .contains("kiln.weights: the object has no path");
    }

    @Test
    void unknownHookListsTheKnownOnesAndSaysAPluginMayProvideIt() {
        Path f = file(VALID + "kiln.hooks = [eval, checkpoint]\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.hooks: unknown hook \"checkpoint\"; known: eval, hello; "
                                + ConfigValidator.PLUGIN_HINT);
    }

    @Test
    void unknownHookAddedOnTheCommandLineNamesTheOverride() {
        Path f = file(VALID + "kiln.hooks = [eval]\n");

        assertThat(problems(f, "kiln.hooks += helo"))
                .containsExactly(
                        "command line override 1: kiln.hooks: unknown hook \"helo\"; did you mean"
                                + " hello?; known: eval, hello; "
                                + ConfigValidator.PLUGIN_HINT);
    }

    @Test
    void unknownWriterAndDuplicates() {
        Path f = file(VALID + "kiln.writers = [console, jsno, console]\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.writers: unknown writer \"jsno\"; did you mean json?;"
                                + " known: console, json; "
                                + ConfigValidator.PLUGIN_HINT,
                        f + ":2: kiln.writers: writer \"console\" is listed twice");
    }

    @Test
    void unknownModelAndOptimizer() {
        Path f = file(VALID + "kiln.model.type = transformer\nkiln.solver.optimizer = lamb\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.model.type: unknown model type \"transformer\"; known:"
                                + " mlp, resmlp; "
                                + ConfigValidator.PLUGIN_HINT,
                        f
                                + ":3: kiln.solver.optimizer: unknown optimizer \"lamb\"; known:"
                                + " adam, adamw, sgd; "
                                + ConfigValidator.PLUGIN_HINT);
    }

    @Test
    void unknownEngineListsTheKnownOnes() {
        Path f = file(VALID + "kiln.engine = TensorFlow\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.engine: unknown engine \"TensorFlow\"; known: MXNet,"
                                + " PyTorch");
    }

    @Test
    void engineIsMatchedIgnoringCase() {
        assertThat(problems(file(VALID + "kiln.engine = mxnet\n"))).isEmpty();
    }

    @Test
    void unknownEngineFromTheOption() {
        KilnConfig config = ConfigLoader.builder().files(List.of(file(VALID))).engine("Jax").load();

        assertThat(VALIDATOR.check(config))
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        "command line option --engine: kiln.engine: unknown engine \"Jax\"; known:"
                                + " MXNet, PyTorch");
    }

    @Test
    void missingDataPath() {
        Path f = file("kiln.seed = 1\n");

        assertThat(problems(f))
                .containsExactly(
                        "kiln.data.train.path: required value missing; set it in a config file or"
                                + " with kiln.data.train.path=FILE");
    }

    @Test
    void dataPathMustBeAString() {
        Path f = file("kiln.data.train.path = [a.csv, b.csv]\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":1: kiln.data.train.path: expected a string but got list"
                                + " [\"a.csv\",\"b.csv\"]");
    }

    @Test
    void severalProblemsAreAllReportedInOneException() {
        Path f =
                file(
                        "kiln {\n"
                                + "  solver.base_lr = 0.1\n"
                                + "  solver.max-iter = \"many\"\n"
                                + "  hooks = [checkpoint]\n"
                                + "  engine = TensorFlow\n"
                                + "}\n");
        KilnConfig config = ConfigLoader.builder().files(List.of(f)).load();

        assertThatThrownBy(() -> VALIDATOR.validate(config))
                .isInstanceOf(KilnConfigException.class)
                .hasMessage(
                        String.join(
                                "\n",
                                "kiln.data.train.path: required value missing; set it in a config"
                                        + " file or with kiln.data.train.path=FILE",
                                f
                                        + ":5: kiln.engine: unknown engine \"TensorFlow\"; known:"
                                        + " MXNet, PyTorch",
                                f
                                        + ":4: kiln.hooks: unknown hook \"checkpoint\"; known:"
                                        + " eval, hello; "
                                        + ConfigValidator.PLUGIN_HINT,
                                f + ":2: kiln.solver.base_lr: unknown key; did you mean base-lr?",
                                f
                                        + ":3: kiln.solver.max-iter: expected a number but got"
                                        + " string \"many\""));
    }

    @Test
    void pluginModelTypeOpensTheModelSection() {
        Path f = file(VALID + "kiln.model { type = resmlp, blocks = 3, dropout = 0.1 }\n");

        assertThat(problems(f)).isEmpty();
    }

    @Test
    void openModelSectionStillChecksTheKnownKeys() {
        Path f = file(VALID + "kiln.model { type = resmlp, blocks = 3, dropout = \"lots\" }\n");

        assertThat(problems(f))
                .containsExactly(
                        f + ":2: kiln.model.dropout: expected a number but got string \"lots\"");
    }

    @Test
    void mlpModelSectionIsClosed() {
        Path f = file(VALID + "kiln.model { type = mlp, blocks = 3 }\n");

        assertThat(problems(f))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith(
                        f
                                + ":2: kiln.model.blocks: unknown key; known keys in kiln.model:"
                                + " activation, dropout, hidden-sizes, type");
    }

    @Test
    void pluginDatasetTypeOpensTheDataSectionAndNeedsNoPath() {
        ConfigValidator validator =
                ConfigValidator.builder()
                        .extensionNames("kiln.data.train.type", Set.of("csv", "mnist"))
                        .build();
        Path f = file("kiln.data.train { type = mnist, root = /data/mnist }\n");

        KilnConfig config = ConfigLoader.builder().files(List.of(f)).load();

        assertThat(validator.check(config)).isEmpty();
    }

    @Test
    void csvTestSetTakesTheTrainKeysAndNeedsAPath() {
        Path f = file(VALID + "kiln.data.test { type = csv, header = true, headr = true }\n");

        assertThat(problems(f))
                .containsExactly(
                        f + ":2: kiln.data.test.headr: unknown key; did you mean header?",
                        "kiln.data.test.path: required value missing; set it in a config file or"
                                + " with kiln.data.test.path=FILE");
    }

    @Test
    void csvTestSetInheritsTheTrainFormat() {
        Path f =
                file(
                        VALID
                                + "kiln.data.train { header = true, label-column = 0 }\n"
                                + "kiln.data.test { type = csv, path = data/test.csv }\n");
        KilnConfig config = VALIDATOR.validate(ConfigLoader.builder().files(List.of(f)).load());

        assertThat(config.testData())
                .hasValueSatisfying(
                        test -> {
                            assertThat(test.getString("path")).isEqualTo("data/test.csv");
                            assertThat(test.getBoolean("header")).isTrue();
                            assertThat(test.getInt("label-column")).isZero();
                        });
    }

    @Test
    void aPluginTrainSetSeesOnlyTheKeysWrittenForItNotTheCsvDefaults() {
        ConfigValidator validator =
                ConfigValidator.builder()
                        .extensionNames("kiln.data.train.type", Set.of("csv", "mnist"))
                        .build();
        Path f = file("kiln.data.train { type = mnist, root = /data/mnist, split-seed = 3 }\n");
        KilnConfig config = validator.validate(ConfigLoader.builder().files(List.of(f)).load());

        Config train = config.trainData();
        assertThat(train.getString("type")).isEqualTo("mnist");
        assertThat(train.getString("root")).isEqualTo("/data/mnist");
        assertThat(train.getInt("split-seed")).as("written by the user").isEqualTo(3);
        assertThat(train.hasPathOrNull("test-fraction")).isFalse();
        assertThat(train.hasPathOrNull("scaling")).isFalse();
        assertThat(train.hasPathOrNull("path")).isFalse();
        KilnConfig csv =
                VALIDATOR.validate(ConfigLoader.builder().files(List.of(file(VALID))).load());
        assertThat(csv.trainData().getDouble("test-fraction")).isEqualTo(0.2);
    }

    @Test
    void csvTestSetNextToAPluginTrainSetGetsTheCsvDefaults() {
        ConfigValidator validator =
                ConfigValidator.builder()
                        .extensionNames("kiln.data.train.type", Set.of("csv", "mnist"))
                        .build();
        Path f =
                file(
                        "kiln.data.train { type = mnist, root = /data/mnist }\n"
                                + "kiln.data.test { type = csv, path = data/test.csv }\n");
        KilnConfig config = validator.validate(ConfigLoader.builder().files(List.of(f)).load());

        assertThat(config.testData())
                .hasValueSatisfying(
                        test -> {
                            assertThat(test.getString("scaling")).isEqualTo("standardize");
                            assertThat(test.hasPath("root")).isFalse();
                        });
    }

    @Test
    void trainSplitTestSetTakesNoOtherKeys() {
        Path f = file(VALID + "kiln.data.test.path = data/test.csv\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.data.test.path: unknown key; a test set of type"
                                + " train-split takes no other keys");
    }

    @Test
    void unknownTestDatasetTypeUsesTheTrainNames() {
        Path f = file(VALID + "kiln.data.test.type = parquet\n");

        assertThat(problems(f))
                .containsExactly(
                        f
                                + ":2: kiln.data.test.type: unknown dataset type \"parquet\";"
                                + " known: csv, train-split; "
                                + ConfigValidator.PLUGIN_HINT);
    }

    @Test
    void sectionsAPluginDeclaresOpenAcceptAnyKey() throws Exception {
        write(
                tmp,
                "plugin/reference.conf",
                "kiln.greeter { greeting = hello, params {} }\n"
                        + "kiln-open-sections += \"kiln.greeter.params\"\n");
        Path f = file(VALID + "kiln.greeter { params { anything = 1 }, greting = hi }\n");
        try (URLClassLoader plugin =
                new URLClassLoader(new URL[] {tmp.resolve("plugin").toUri().toURL()}, null)) {
            KilnConfig config =
                    ConfigLoader.builder()
                            .referenceLoaders(List.of(ConfigLoader.class.getClassLoader(), plugin))
                            .files(List.of(f))
                            .load();

            assertThat(VALIDATOR.check(config))
                    .extracting(ConfigProblem::toString)
                    .containsExactly(
                            f + ":2: kiln.greeter.greting: unknown key; did you mean greeting?");
        }
    }

    @Test
    void keysWithoutAnExtensionListAreNotChecked() {
        ConfigValidator lenient = ConfigValidator.builder().build();
        Path f = file(VALID + "kiln.hooks = [anything]\n");

        assertThat(lenient.check(ConfigLoader.builder().files(List.of(f)).load())).isEmpty();
    }

    @Test
    void labelColumnsAreAListOfColumnsForValuesOrMultiLabel() {
        Path f =
                file(
                        VALID
                                + "kiln.data.train { label-columns = [0, -1, \"2\", 3.0] }\n"
                                + "kiln.data.train.targets = multi-label\n");

        assertThat(problems(f)).isEmpty();
        assertThat(problems(file(VALID + "kiln.data.train.label-columns = null\n"))).isEmpty();
    }

    @Test
    void labelColumnsProblemsAreReportedAtTheKey() {
        Path empty = file(VALID + "kiln.data.train.label-columns = []\n");
        assertThat(problems(empty))
                .containsExactly(
                        empty
                                + ":2: kiln.data.train.label-columns: must list at least one"
                                + " column; leave it null to use label-column");

        Path twice =
                file(
                        VALID
                                + "kiln.data.train.label-columns = [1, 2, 1.0]\n"
                                + "kiln.data.train.targets = values\n");
        assertThat(problems(twice))
                .containsExactly(
                        twice + ":2: kiln.data.train.label-columns: column 1 is listed twice");

        Path classes = file(VALID + "kiln.data.train.label-columns = [1, 2]\n");
        assertThat(problems(classes))
                .containsExactly(
                        classes
                                + ":2: kiln.data.train.label-columns: lists 2 columns, but targets"
                                + " = classes takes one label column; use targets = values for"
                                + " several regression targets, or targets = multi-label for"
                                + " several 0/1 labels");

        Path notAList = file(VALID + "kiln.data.train.label-columns = 2\n");
        assertThat(problems(notAList))
                .containsExactly(
                        notAList
                                + ":2: kiln.data.train.label-columns: expected a list of column"
                                + " indices, such as [0, 1], but got number 2");

        Path elements = file(VALID + "kiln.data.train.label-columns = [1.5, x, true]\n");
        assertThat(problems(elements))
                .containsExactly(
                        elements
                                + ":2: kiln.data.train.label-columns[0]: expected a whole number"
                                + " but got number 1.5",
                        elements
                                + ":2: kiln.data.train.label-columns[1]: expected a whole number"
                                + " but got string \"x\"",
                        elements
                                + ":2: kiln.data.train.label-columns[2]: expected a whole number"
                                + " but got boolean true");

        Path targets = file(VALID + "kiln.data.train.targets = regression\n");
        assertThat(problems(targets))
                .containsExactly(
                        targets
                                + ":2: kiln.data.train.targets: unknown value \"regression\";"
                                + " expected one of: classes, values, multi-label");
    }

    @Test
    void aCsvTestSetInheritsTheLabelColumnsUnlessItChoosesItsOwn() {
        String train =
                VALID
                        + "kiln.data.train { label-columns = [1, 2], targets = values }\n"
                        + "kiln.data.test { type = csv, path = data/test.csv }\n";
        Path inherits = file(train);
        KilnConfig config =
                VALIDATOR.validate(ConfigLoader.builder().files(List.of(inherits)).load());
        assertThat(config.testData())
                .hasValueSatisfying(
                        test -> {
                            assertThat(test.getIntList("label-columns")).containsExactly(1, 2);
                            assertThat(test.getString("targets")).isEqualTo("values");
                        });

        Path classes = file(train + "kiln.data.test.targets = classes\n");
        assertThat(problems(classes))
                .containsExactly(
                        classes
                                + ":4: kiln.data.test.targets: classes takes one label column, but"
                                + " kiln.data.test inherits 2 from kiln.data.train.label-columns;"
                                + " use values or multi-label, or set kiln.data.test.label-column");

        Path own = file(train + "kiln.data.test { targets = classes, label-column = 0 }\n");
        assertThat(problems(own)).isEmpty();
        KilnConfig ownConfig = ConfigLoader.builder().files(List.of(own)).load();
        assertThat(ownConfig.testData())
                .hasValueSatisfying(
                        test -> {
                            assertThat(test.hasPath("label-columns")).isFalse();
                            assertThat(test.getInt("label-column")).isZero();
                        });

        Path ownList = file(train + "kiln.data.test.label-columns = [3, 3]\n");
        assertThat(problems(ownList))
                .containsExactly(
                        ownList + ":4: kiln.data.test.label-columns: column 3 is listed twice");
    }
}
