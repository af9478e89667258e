package dev.kiln.core.config;

import static dev.kiln.core.config.ConfigFixtures.fixture;
import static dev.kiln.core.config.ConfigFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    @TempDir Path tmp;

    @Test
    void referenceGivesCoreDefaults() {
        KilnConfig config = ConfigLoader.builder().load();

        assertThat(config.engine()).isEqualTo("PyTorch");
        assertThat(config.device()).isEqualTo("cpu");
        assertThat(config.seed()).isEqualTo(42);
        assertThat(config.outputDir()).isEqualTo(Path.of("output"));
        assertThat(config.modelType()).isEqualTo("mlp");
        assertThat(config.model().getIntList("hidden-sizes")).containsExactly(256, 256);
        assertThat(config.optimizer()).isEqualTo("sgd");
        assertThat(config.baseLr()).isEqualTo(0.05);
        assertThat(config.maxIter()).isEqualTo(2000);
        assertThat(config.batchSize()).isEqualTo(64);
        assertThat(config.hooks()).isEmpty();
        assertThat(config.writers()).containsExactly("console");
        assertThat(config.writerPeriod()).isEqualTo(20);
        assertThat(config.trainData().getString("type")).isEqualTo("csv");
        assertThat(config.trainData().hasPath("path")).isFalse();
        assertThat(config.testData()).isEmpty();
        assertThat(config.sectionSources()).containsKeys("engine", "model", "data", "solver");
        assertThat(config.sectionSources().get("model").get(0)).endsWith("reference.conf");
    }

    @Test
    void laterLayersOverrideEarlierOnes() {
        KilnConfig config =
                ConfigLoader.builder()
                        .files(List.of(fixture("base.conf"), fixture("second.conf")))
                        .overrides(List.of("kiln.seed=11", "kiln.engine=MXNet"))
                        .outputDir("runs/from-option")
                        .load();

        assertThat(config.baseLr()).as("file1 over reference").isEqualTo(0.1);
        assertThat(config.maxIter()).as("file2 over file1").isEqualTo(200);
        assertThat(config.batchSize()).as("reference").isEqualTo(64);
        assertThat(config.seed()).as("override over file1").isEqualTo(11);
        assertThat(config.engine()).as("override over reference").isEqualTo("MXNet");
        assertThat(config.outputDir())
                .as("--output-dir over file1")
                .isEqualTo(Path.of("runs/from-option"));
    }

    @Test
    void explicitEngineOptionBeatsOverrides() {
        KilnConfig config =
                ConfigLoader.builder()
                        .overrides(List.of("kiln.engine=MXNet", "kiln.output-dir=a"))
                        .engine("PyTorch")
                        .load();

        assertThat(config.engine()).isEqualTo("PyTorch");
        assertThat(config.outputDir()).isEqualTo(Path.of("a"));
        assertThat(Origins.describe(config.config().getValue("kiln.engine").origin()))
                .isEqualTo("command line option --engine");
    }

    @Test
    void includeIsRelativeToTheIncludingFile() {
        KilnConfig config = ConfigLoader.builder().files(List.of(fixture("second.conf"))).load();

        assertThat(config.writers()).containsExactly("console", "json");
        assertThat(config.writerPeriod()).isEqualTo(5);
    }

    @Test
    void includeWorksForABareFileName() {
        // A path without a parent folder is how a user in the config's folder writes it.
        write(tmp, "main.conf", "include \"part.conf\"\n");
        write(tmp, "part.conf", "kiln.seed = 5\n");
        Path bare = Path.of("").toAbsolutePath().relativize(tmp.resolve("main.conf"));

        KilnConfig config = ConfigLoader.builder().files(List.of(bare)).load();

        assertThat(config.seed()).isEqualTo(5);
    }

    @Test
    void missingIncludeNamesTheIncludingFileLineAndFolder() {
        Path main = write(tmp, "main.conf", "kiln.seed = 5\n\ninclude \"missing.conf\"\n");

        assertThatThrownBy(() -> ConfigLoader.builder().files(List.of(main)).load())
                .isInstanceOf(KilnConfigException.class)
                .hasMessage(
                        main
                                + ":3: include \"missing.conf\": no such file (relative to "
                                + tmp
                                + "/)");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "include url(\"http://127.0.0.1:9/run.conf\")",
                "include \"https://example.org/run.conf\"",
                "include required(url(\"ftp://example.org/run.conf\"))"
            })
    void anIncludeOfANetworkUrlIsRefusedWithoutReadingIt(String include) {
        Path main = write(tmp, "main.conf", "kiln.seed = 5\n" + include + "\n");

        assertThatThrownBy(() -> ConfigLoader.builder().files(List.of(main)).load())
                .isInstanceOf(KilnConfigException.class)
                .hasMessageStartingWith(main + ":2: include")
                .hasMessageContaining("files only, never from the network");
    }

    @Test
    void anIncludeOfAFileUrlReadsTheFile() {
        Path part = write(tmp, "part.conf", "kiln.seed = 9\n");
        Path main = write(tmp, "main.conf", "include url(\"" + part.toUri() + "\")\n");

        assertThat(ConfigLoader.builder().files(List.of(main)).load().seed()).isEqualTo(9);
    }

    @Test
    void missingIncludeIsReportedWithThePathsAsTheUserWroteThem() {
        write(tmp, "conf/main.conf", "include \"gone.conf\"\n");
        Path relative = Path.of("").toAbsolutePath().relativize(tmp.resolve("conf/main.conf"));

        assertThatThrownBy(() -> ConfigLoader.builder().files(List.of(relative)).load())
                .isInstanceOf(KilnConfigException.class)
                .hasMessage(
                        relative
                                + ":1: include \"gone.conf\": no such file (relative to "
                                + relative.getParent()
                                + "/)");
    }

    @Test
    void missingIncludeInAnIncludedFileNamesThatFile() {
        Path main = write(tmp, "main.conf", "include \"sub/part.conf\"\n");
        Path part = write(tmp, "sub/part.conf", "kiln.seed = 5\ninclude \"common\"\n");

        assertThatThrownBy(() -> ConfigLoader.builder().files(List.of(main)).load())
                .isInstanceOf(KilnConfigException.class)
                .hasMessage(
                        part
                                + ":2: include \"common\": no such file (relative to "
                                + tmp.resolve("sub")
                                + "/)");
    }

    @Test
    void everyMissingIncludeIsReportedAtItsOwnLine() {
        Path main =
                write(
                        tmp,
                        "main.conf",
                        "# include \"a.conf\" was here\n"
                                + "include \"a.conf\"\n"
                                + "kiln.seed = 5\n"
                                + "include required(\"b.conf\")\n"
                                + "include \"a.conf\"\n"
                                + "include file(\"no/such/c.conf\")\n"
                                + "include classpath(\"no-such-d.conf\")\n");

        KilnConfigException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        KilnConfigException.class,
                        () -> ConfigLoader.builder().files(List.of(main)).load());

        String folder = " (relative to " + tmp + "/)";
        assertThat(e.problems())
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        main + ":2: include \"a.conf\": no such file" + folder,
                        main + ":4: include \"b.conf\": no such file" + folder,
                        main + ":5: include \"a.conf\": no such file" + folder,
                        main
                                + ":6: include file(\"no/such/c.conf\"): no such file (relative"
                                + " to the working directory)",
                        main + ":7: include classpath(\"no-such-d.conf\"): no such resource");
    }

    @Test
    void includesThatFindTheirFileStillWork() {
        Path main =
                write(
                        tmp,
                        "main.conf",
                        "include classpath(\"config/base.conf\")\ninclude \"part\"\n"
                                + "include file(\""
                                + tmp.resolve("abs.conf")
                                + "\")\n");
        write(tmp, "part.conf", "kiln.seed = 5\ninclude \"deeper/more.json\"\n");
        write(tmp, "deeper/more.json", "{\"kiln\": {\"solver\": {\"max-iter\": 77}}}\n");
        write(tmp, "abs.conf", "kiln.solver.batch-size = 9\n");

        KilnConfig config = ConfigLoader.builder().files(List.of(main)).load();

        assertThat(config.seed()).isEqualTo(5);
        assertThat(config.maxIter()).isEqualTo(77);
        assertThat(config.batchSize()).isEqualTo(9);
        assertThat(config.baseLr()).as("from the class path's config/base.conf").isEqualTo(0.1);
        assertThat(Origins.describe(config.config().getValue("kiln.solver.max-iter").origin()))
                .isEqualTo(tmp.resolve("deeper/more.json") + ":1");
    }

    @Test
    void syntaxErrorInAnIncludedFileNamesThatFile() {
        Path main = write(tmp, "main.conf", "include \"part.conf\"\n");
        Path part = write(tmp, "part.conf", "kiln {\n  seed = \n}\n");

        KilnConfigException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        KilnConfigException.class,
                        () -> ConfigLoader.builder().files(List.of(main)).load());

        assertThat(e.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.location()).isEqualTo(part + ":3"));
    }

    @Test
    void appendingOverrideExtendsTheListFromFilesAndReference() {
        KilnConfig config =
                ConfigLoader.builder()
                        .files(List.of(fixture("base.conf"), fixture("second.conf")))
                        .overrides(List.of("kiln.hooks += hello", "kiln.writers += tensorboard"))
                        .load();

        assertThat(config.hooks()).containsExactly("eval", "checkpoint", "hello");
        assertThat(config.writers()).containsExactly("console", "json", "tensorboard");
    }

    @Test
    void appendingOverrideExtendsTheReferenceList() {
        KilnConfig config =
                ConfigLoader.builder().overrides(List.of("kiln.writers += json")).load();

        assertThat(config.writers()).containsExactly("console", "json");
    }

    @Test
    void listOverrideReplacesTheList() {
        KilnConfig config =
                ConfigLoader.builder()
                        .overrides(
                                List.of(
                                        "kiln.model.hidden-sizes=[32,32]",
                                        "kiln.solver.max-iter=10"))
                        .load();

        assertThat(config.model().getIntList("hidden-sizes")).containsExactly(32, 32);
        assertThat(config.maxIter()).isEqualTo(10);
    }

    @Test
    void overrideThatIsNotHoconIsTakenAsAString() {
        KilnConfig config =
                ConfigLoader.builder()
                        .overrides(List.of("kiln.device=gpu:1", "kiln.hooks += a:b"))
                        .load();

        assertThat(config.device()).isEqualTo("gpu:1");
        assertThat(config.hooks()).containsExactly("a:b");
    }

    @Test
    void overridesMayUseSubstitutions() {
        KilnConfig config =
                ConfigLoader.builder()
                        .overrides(List.of("kiln.output-dir = runs/seed-${kiln.seed}"))
                        .load();

        assertThat(config.outputDir()).isEqualTo(Path.of("runs/seed-42"));
    }

    @Test
    void overrideOriginNamesTheArgument() {
        KilnConfig config =
                ConfigLoader.builder()
                        .overrides(List.of("kiln.seed=1", "kiln.solver.max-iter=10"))
                        .load();

        assertThat(Origins.describe(config.config().getValue("kiln.solver.max-iter").origin()))
                .isEqualTo("command line override 2");
    }

    @Test
    void missingFilesAreAllReported() {
        Path missing = tmp.resolve("nope.conf");
        Path alsoMissing = tmp.resolve("nope2.conf");

        assertThatThrownBy(() -> ConfigLoader.builder().files(List.of(missing, alsoMissing)).load())
                .isInstanceOf(KilnConfigException.class)
                .hasMessage(
                        "config file not found: "
                                + missing
                                + "\n"
                                + "config file not found: "
                                + alsoMissing);
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        Path bad = fixture("syntax-error.conf");

        assertThatThrownBy(() -> ConfigLoader.builder().files(List.of(bad)).load())
                .isInstanceOf(KilnConfigException.class)
                .hasMessageStartingWith(bad + ":4: Expecting a value but got wrong token: '}'")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("at com.typesafe");
    }

    @Test
    void syntaxErrorsInTwoFilesAreBothReported() {
        Path first = write(tmp, "first.conf", "kiln {\n  seed = \n}\n");
        Path second = write(tmp, "second.conf", "kiln.seed = [1,\n");

        KilnConfigException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        KilnConfigException.class,
                        () -> ConfigLoader.builder().files(List.of(first, second)).load());

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0).location()).isEqualTo(first + ":3");
        assertThat(e.problems().get(1).location()).startsWith(second + ":");
    }

    @Test
    void unparseableOverrideIsReported() {
        assertThatThrownBy(() -> ConfigLoader.builder().overrides(List.of("kiln.solver {")).load())
                .isInstanceOf(KilnConfigException.class)
                .hasMessageStartingWith(
                        "command line override 1: cannot parse \"kiln.solver {\" as KEY=VALUE: ");
    }

    @Test
    void unresolvableSubstitutionNamesFileAndLine() {
        Path file = write(tmp, "subst.conf", "kiln {\n  output-dir = ${kiln.nope}\n}\n");

        assertThatThrownBy(() -> ConfigLoader.builder().files(List.of(file)).load())
                .isInstanceOf(KilnConfigException.class)
                .hasMessage(file + ":2: Could not resolve substitution to a value: ${kiln.nope}");
    }

    @Test
    void renderRoundTrips() {
        KilnConfig config =
                ConfigLoader.builder()
                        .files(List.of(fixture("base.conf"), fixture("second.conf")))
                        .overrides(List.of("kiln.model.hidden-sizes=[32,16]", "kiln.device=gpu:1"))
                        .load();
        Path written = write(tmp, "config.conf", config.render());

        KilnConfig reloaded = ConfigLoader.builder().files(List.of(written)).load();

        Config original = config.config().withOnlyPath("kiln");
        Config again = reloaded.config().withOnlyPath("kiln");
        assertThat(again.root().unwrapped()).isEqualTo(original.root().unwrapped());
        assertThat(config.render())
                .startsWith("# ")
                .contains("kiln {")
                .doesNotContain("kiln-open-sections");
    }

    @Test
    void pluginReferenceAddsSectionsAndOpenSections() throws Exception {
        write(
                tmp,
                "plugin/reference.conf",
                "kiln.greeter { greeting = hello, params {} }\n"
                        + "kiln-open-sections += \"kiln.greeter.params\"\n");
        try (URLClassLoader plugin =
                new URLClassLoader(new URL[] {tmp.resolve("plugin").toUri().toURL()}, null)) {
            KilnConfig config =
                    ConfigLoader.builder()
                            .referenceLoaders(List.of(ConfigLoader.class.getClassLoader(), plugin))
                            .load();

            assertThat(config.section("kiln.greeter").getString("greeting")).isEqualTo("hello");
            assertThat(config.openSections()).containsExactly("kiln.greeter.params");
            assertThat(config.sectionSources().get("greeter"))
                    .containsExactly(
                            tmp.resolve("plugin/reference.conf").toUri().toURL().toString());
            assertThat(config.maxIter()).as("core defaults still there").isEqualTo(2000);
        }
    }

    @Test
    void referenceVisibleToSeveralLoadersIsReadOnce() {
        ClassLoader core = ConfigLoader.class.getClassLoader();
        ClassLoader child = new ClassLoader(core) {};

        KilnConfig config = ConfigLoader.builder().referenceLoaders(List.of(core, child)).load();

        assertThat(config.sectionSources().get("model")).hasSize(1);
    }
}
