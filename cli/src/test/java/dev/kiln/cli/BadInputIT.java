package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.KilnCommand;
import dev.kiln.testkit.PluginJars;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of bad input is refused before any work with exit code 2, one message on standard
 * error that says what is wrong and where, no stack trace (unless {@code --verbose}), and no run
 * directory.
 */
class BadInputIT {

    @TempDir Path tmp;

    private Path outputDir() {
        return tmp.resolve("run");
    }

    /** {@code train --config <quickstart> --output-dir <tmp>/run <digits> <args...>} */
    private KilnCommand.Result trainQuickstart(String... args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--config",
                                Repository.quickstartConfig().toString(),
                                "--output-dir",
                                outputDir().toString(),
                                Repository.digitsOverride()));
        command.addAll(List.of(args));
        return KilnCommand.run(tmp, command);
    }

    @Test
    void missingConfigFile() {
        Path missing = tmp.resolve("nope.conf");

        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        missing.toString(),
                        "--output-dir",
                        outputDir().toString());

        assertThat(result.assertBadInput(outputDir()))
                .contains("config file not found")
                .contains(missing.toString());
    }

    @Test
    void hoconSyntaxErrorNamesTheFileAndLine() {
        Path conf =
                PluginJars.textFile(
                        tmp.resolve("broken.conf"),
                        "kiln {\n  solver {\n    max-iter = \n  }\n}\n");

        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "--config",
                        conf.toString(),
                        "--output-dir",
                        outputDir().toString(),
                        Repository.digitsOverride());

        // the value is missing on line 3; the parser notices at the '}' of line 4
        assertThat(result.assertBadInput(outputDir())).containsPattern("broken\\.conf:[34]\\b");
    }

    @Test
    void misspelledKeySuggestsTheRightOne() {
        KilnCommand.Result result = trainQuickstart("kiln.solver.base_lr=0.1");

        assertThat(result.assertBadInput(outputDir()))
                .contains("kiln.solver.base_lr")
                .contains("did you mean base-lr");
    }

    @Test
    void wrongTypeInAConfigFileNamesTheFileAndLine() {
        Path conf =
                PluginJars.textFile(
                        tmp.resolve("many.conf"),
                        "kiln {\n  solver {\n    max-iter = \"many\"\n  }\n}\n");

        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "--config",
                        conf.toString(),
                        "--output-dir",
                        outputDir().toString(),
                        Repository.digitsOverride());

        assertThat(result.assertBadInput(outputDir()))
                .contains("many.conf:3")
                .contains("kiln.solver.max-iter")
                .contains("expected a number");
    }

    @Test
    void unknownHook() {
        KilnCommand.Result result = trainQuickstart("kiln.hooks=[nosuchhook]");

        assertThat(result.assertBadInput(outputDir())).contains("unknown hook \"nosuchhook\"");
    }

    @Test
    void unknownEngineListsTheKnownOnes() {
        KilnCommand.Result result = trainQuickstart("--engine", "Foo");

        assertThat(result.assertBadInput(outputDir()))
                .contains("Foo")
                .contains("PyTorch")
                .contains("MXNet");
    }

    @Test
    void missingDataFileNamesThePath() {
        KilnCommand.Result result = trainQuickstart("kiln.data.train.path=/nonexistent/x.csv");

        assertThat(result.assertBadInput(outputDir())).contains("/nonexistent/x.csv");
    }

    @Test
    void csvRowWithTooFewColumnsNamesFileLineAndColumnCounts() {
        Path csv =
                PluginJars.textFile(
                        tmp.resolve("short-row.csv"), "1,2,3,0\n4,5,6,1\n7,8\n1,2,3,0\n4,5,6,1\n");

        KilnCommand.Result result =
                trainQuickstart("kiln.data.train.path=\"" + csv + "\"", "kiln.solver.max-iter=5");

        assertThat(result.assertBadInput(outputDir()))
                .contains(csv + ":3:")
                .contains("expected 4 columns")
                .contains("found 2");
    }

    /** {@code train --config examples/images/images.conf} on another folder, with overrides. */
    private KilnCommand.Result trainImages(Path folder, String... args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--config",
                                Repository.root().resolve("examples/images/images.conf").toString(),
                                "--output-dir",
                                outputDir().toString(),
                                "kiln.data.train.path=\"" + folder + "\"",
                                "kiln.data.test.path=\"" + folder + "\""));
        command.addAll(List.of(args));
        return KilnCommand.run(tmp, command);
    }

    /** A folder of one class with a real 28x28 PNG copied from the image example. */
    private Path imageFolder(String name) throws IOException {
        Path folder = tmp.resolve(name);
        Path source = Repository.root().resolve("examples/images/train/bag");
        try (var files = Files.list(source)) {
            Path first = files.sorted().findFirst().orElseThrow();
            Files.createDirectories(folder.resolve("bag"));
            Files.copy(first, folder.resolve("bag/1.png"));
        }
        return folder;
    }

    @Test
    void imageProblemsNameTheFileOrKeyBeforeTraining() throws IOException {
        Path noImage = imageFolder("no-image");
        Files.writeString(noImage.resolve("bag/notes.png"), "not an image");
        assertThat(trainImages(noImage).assertBadInput(outputDir()))
                .contains(noImage.resolve("bag/notes.png") + ": is not an image");

        Path emptyClass = imageFolder("empty-class");
        Files.createDirectories(emptyClass.resolve("coat"));
        assertThat(trainImages(emptyClass).assertBadInput(outputDir()))
                .contains("kiln.data.train.path: class folder " + emptyClass.resolve("coat"))
                .contains("holds no image");

        Path fine = imageFolder("fine");
        assertThat(
                        trainImages(
                                        fine,
                                        "kiln.data.train.transforms=[{type = normalize, mean ="
                                                + " [0.5, 0.5], std = [1, 1]}]")
                                .assertBadInput(outputDir()))
                .contains("kiln.data.train.transforms[0].mean")
                .contains("the image has 1 channel");
    }

    @Test
    void fileInAPluginsFolderThatIsNotAJar() {
        Path plugins = tmp.resolve("plugins");
        Path notes = PluginJars.textFile(plugins.resolve("notes.txt"), "my notes\n");

        KilnCommand.Result train = trainQuickstart("--plugins", plugins.toString());
        KilnCommand.Result list = KilnCommand.run(tmp, "plugins", "--plugins", plugins.toString());

        assertThat(train.assertBadInput(outputDir())).contains(notes.toString()).contains("jar");
        assertThat(list.assertBadInput(null)).contains(notes.toString()).contains("jar");
    }

    @Test
    void twoExtensionsWithOneNameNameBothJars() {
        Path plugins = tmp.resolve("plugins");
        for (String pkg : List.of("alpha", "beta")) {
            PluginJars.jar(pkg + "-twin.jar")
                    .java(
                            """
                            package com.%s;

                            @dev.kiln.spi.KilnExtension(name = "twin")
                            public final class Twin implements dev.kiln.train.Hook {}
                            """
                                    .formatted(pkg))
                    .service("dev.kiln.train.Hook", "com." + pkg + ".Twin")
                    .writeTo(plugins);
        }

        KilnCommand.Result train =
                trainQuickstart("--plugins", plugins.toString(), "kiln.hooks+=twin");
        KilnCommand.Result list = KilnCommand.run(tmp, "plugins", "--plugins", plugins.toString());

        for (String message :
                List.of(train.assertBadInput(outputDir()), list.assertBadInput(null))) {
            assertThat(message)
                    .contains("twin")
                    .contains("alpha-twin.jar")
                    .contains("beta-twin.jar");
        }
    }

    @Test
    void trainWithoutAConfigFileAsksForOne() {
        KilnCommand.Result result = KilnCommand.run(tmp, "train");

        assertThat(result.assertBadInput(tmp.resolve("output")))
                .isEqualTo(
                        "kiln: no config file given: kiln train --config FILE [KEY=VALUE ...]\n");
    }

    @Test
    void aConfigFileGivenWithoutConfigIsNamedWithTheCommandThatTakesIt() {
        PluginJars.textFile(tmp.resolve("my.conf"), "kiln.solver.max-iter = 5\n");
        String expected =
                "kiln: \"my.conf\" is not a KEY=VALUE override; a config file is given with"
                        + " --config: kiln %s --config my.conf\n";

        KilnCommand.Result alone = KilnCommand.run(tmp, "train", "my.conf");
        KilnCommand.Result withAnother =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "my.conf");
        KilnCommand.Result missing = KilnCommand.run(tmp, "train", "other.conf");
        KilnCommand.Result config = KilnCommand.run(tmp, "config", "my.conf");

        assertThat(alone.assertBadInput(tmp.resolve("output")))
                .isEqualTo(expected.formatted("train"));
        assertThat(withAnother.assertBadInput(tmp.resolve("output")))
                .isEqualTo(expected.formatted("train"));
        assertThat(missing.assertBadInput(tmp.resolve("output")))
                .isEqualTo(expected.formatted("train").replace("my.conf", "other.conf"));
        assertThat(config.assertBadInput(tmp.resolve("output")))
                .isEqualTo(expected.formatted("config"));
    }

    @Test
    void anArgumentThatIsNeitherAnOverrideNorAFileSaysWhatIsExpected() {
        KilnCommand.Result result = trainQuickstart("fast");

        assertThat(result.assertBadInput(outputDir()))
                .isEqualTo(
                        "kiln: expected KEY=VALUE but got \"fast\"; a config file is given with"
                                + " --config FILE\n");
    }

    @Test
    void aMistypedOptionIsOneLineWithTheOptionMeant() {
        KilnCommand.Result mistyped = KilnCommand.run(tmp, "train", "--confg", "my.conf");
        KilnCommand.Result noCommand = KilnCommand.run(tmp);

        assertThat(mistyped.assertBadInput(tmp.resolve("output")))
                .isEqualTo(
                        "kiln: Unknown option: '--confg' (did you mean --config?); kiln train"
                                + " --help lists the options\n");
        assertThat(noCommand.assertBadInput(tmp.resolve("output")))
                .isEqualTo(
                        "kiln: name a command: train, export, predict, plugins or config; kiln --help lists the"
                                + " options\n");
    }

    @Test
    void anIncludeThatFindsNoFileNamesTheIncludingFileAndLine() {
        PluginJars.textFile(
                tmp.resolve("examples/x.conf"),
                "include \""
                        + Repository.quickstartConfig()
                        + "\"\n"
                        + "kiln.solver.max-iter = 5\n"
                        + "include \"missing.conf\"\n");

        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        "examples/x.conf",
                        "--output-dir",
                        outputDir().toString(),
                        Repository.digitsOverride());

        assertThat(result.assertBadInput(outputDir()))
                .isEqualTo(
                        "kiln: invalid config:\n"
                                + "examples/x.conf:3: include \"missing.conf\": no such file"
                                + " (relative to examples/)\n");
    }

    @ParameterizedTest(name = "--engine {0}")
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void badWeightsAreFoundBeforeAnyWork(String engine) throws IOException {
        Path text = PluginJars.textFile(tmp.resolve("notes.safetensors"), "these are notes\n");
        Path badHeader = tmp.resolve("bad-header.safetensors");
        byte[] json = "{\"w\": [".getBytes(StandardCharsets.UTF_8);
        Files.write(
                badHeader,
                ByteBuffer.allocate(8 + json.length)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(json.length)
                        .put(json)
                        .array());
        Path missing = tmp.resolve("missing.safetensors");
        String where = "kiln: invalid config:\ncommand line override 2: kiln.weights: ";

        KilnCommand.Result notSafetensors =
                trainQuickstart("kiln.weights=\"" + text + "\"", "--engine", engine);
        KilnCommand.Result header =
                trainQuickstart("kiln.weights=\"" + badHeader + "\"", "--engine", engine);
        KilnCommand.Result absent =
                trainQuickstart("kiln.weights=\"" + missing + "\"", "--engine", engine);

        assertThat(notSafetensors.assertBadInput(outputDir()))
                .isEqualTo(
                        where
                                + text
                                + " is not a valid safetensors file: it begins with text (\"these"
                                + " ar\"), not with the 8-byte header length of a safetensors"
                                + " file\n");
        assertThat(header.assertBadInput(outputDir()))
                .startsWith(
                        where
                                + badHeader
                                + " is not a valid safetensors file: the header is not"
                                + " valid JSON");
        assertThat(absent.assertBadInput(outputDir()))
                .isEqualTo(
                        where
                                + missing
                                + " does not exist: expected a checkpoint directory or a"
                                + " .safetensors file\n");
    }

    /** {@code train} with the quickstart and one more config file holding {@code text}. */
    private KilnCommand.Result trainQuickstartWith(String fileName, String text, String... args) {
        Path conf = PluginJars.textFile(tmp.resolve(fileName), text);
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--config",
                                Repository.quickstartConfig().toString(),
                                "--config",
                                conf.toString(),
                                "--output-dir",
                                outputDir().toString(),
                                Repository.digitsOverride()));
        command.addAll(List.of(args));
        return KilnCommand.run(tmp, command);
    }

    @Test
    void aFreezePatternThatMatchesNothingIsWarnedOfAndTheRunProceeds() {
        KilnCommand.Result result =
                trainQuickstart(
                        "kiln.solver.freeze=[hidden1]", "kiln.solver.max-iter=2", "kiln.hooks=[]");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        result.assertNoStackTrace();
        assertThat(result.stdout() + result.stderr())
                .as(result.describe())
                .contains("kiln.solver.freeze: \"hidden1\" matches no parameter");
    }

    @Test
    void aFreezePatternThatMatchesEverythingIsRefused() {
        KilnCommand.Result result = trainQuickstart("kiln.solver.freeze=[\".*\"]");

        assertThat(result.assertBadInput(outputDir()))
                .contains("kiln.solver.freeze: matches every trainable parameter of the model")
                .contains("nothing would train");
    }

    @Test
    void anInvalidFreezePatternNamesTheFileLineAndKey() {
        KilnCommand.Result result =
                trainQuickstartWith("freeze.conf", "kiln.solver {\n  freeze = [\"(hidden\"]\n}\n");

        assertThat(result.assertBadInput(outputDir()))
                .contains(tmp.resolve("freeze.conf") + ":2: kiln.solver.freeze[0]:")
                .contains("invalid regular expression \"(hidden\"");
    }

    @Test
    void accumulateStepsThatDoNotDivideTheBatchSizeAreRefused() {
        KilnCommand.Result result = trainQuickstart("kiln.solver.accumulate-steps=3");

        assertThat(result.assertBadInput(outputDir()))
                .contains("kiln.solver.accumulate-steps")
                .contains("64");
    }

    @Test
    void anInvalidWeightsRenamePatternNamesTheFileLineAndKey() {
        KilnCommand.Result result =
                trainQuickstartWith(
                        "weights.conf",
                        "kiln.weights {\n  path = \"x.safetensors\"\n  rename = [\n"
                                + "    { from = \"[output\", to = head }\n  ]\n}\n");

        assertThat(result.assertBadInput(outputDir()))
                .contains(tmp.resolve("weights.conf") + ":4: kiln.weights.rename[0].from:")
                .contains("invalid regular expression \"[output\"");
    }

    @Test
    void strictWeightsThatDoNotFitAreRefusedWithEveryName() throws IOException {
        Path file = tmp.resolve("other.safetensors");
        try (FileChannel out =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafeTensors.write(
                    Map.of(
                            "01hidden1_bias",
                            new TensorData(DataType.FLOAT32, new Shape(3), new byte[12]),
                            "encoder_weight",
                            new TensorData(DataType.FLOAT32, new Shape(2), new byte[8])),
                    Map.of(),
                    out);
        }

        KilnCommand.Result result =
                trainQuickstartWith(
                        "strict.conf",
                        "kiln {\n  weights {\n    path = \""
                                + file
                                + "\"\n    strict = true\n  }\n}\n");

        assertThat(result.assertBadInput(outputDir()))
                .contains(tmp.resolve("strict.conf") + ":2: kiln.weights: " + file)
                .contains("does not fit the model, and strict = true")
                .contains("missing [01hidden1_weight, 03hidden2_weight, 03hidden2_bias")
                .contains("unexpected [encoder_weight]")
                .contains("mismatched [01hidden1_bias: file float32(3) vs model float32(256)]");
    }

    @Test
    void verbosePrintsTheStackTraceAndStillExits2() {
        KilnCommand.Result result =
                trainQuickstart("--verbose", "kiln.data.train.path=/nonexistent/x.csv");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderr())
                .as(result.describe())
                .startsWith("kiln: ")
                .contains("/nonexistent/x.csv")
                .contains("\tat ");
        assertThat(outputDir()).doesNotExist();
    }

    @Test
    void outputDirectoryThatHoldsARunIsRefusedAndLeftAlone() throws IOException {
        KilnCommand.Result first = trainQuickstart("kiln.solver.max-iter=5");
        assertThat(first.exitCode()).as(first.describe()).isZero();
        Map<Path, String> before = snapshot(outputDir());
        assertThat(before)
                .containsKeys(Path.of(RunDirectory.CONFIG_FILE), Path.of(RunDirectory.LOG_FILE));

        KilnCommand.Result second = trainQuickstart("kiln.solver.max-iter=7");

        assertThat(second.exitCode()).as(second.describe()).isEqualTo(2);
        second.assertNoStackTrace();
        assertThat(second.stderr())
                .startsWith("kiln: ")
                .contains("output directory")
                .contains(outputDir().toString())
                .contains("not empty");
        assertThat(snapshot(outputDir())).isEqualTo(before);
    }

    @Test
    void anOutputDirectoryUnderAFileIsRefusedBeforeAnyWork() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "mine");
        Path under = file.resolve("run");
        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "--output-dir",
                        under.toString(),
                        Repository.digitsOverride());

        assertThat(result.assertBadInput(null))
                .contains("cannot create output directory " + under)
                .contains(file + " is a file, not a directory")
                .doesNotContain("Exception");
        assertThat(result.stdout()).as("no data read, no model built").doesNotContain("Built mlp");
        assertThat(Files.readString(file)).isEqualTo("mine");
    }

    @Test
    void aNegativeClassLabelIsRefusedWithItsLineBeforeTraining() throws IOException {
        Path csv = Files.writeString(tmp.resolve("negative.csv"), "1,2,0\n3,4,1\n5,6,-1\n7,8,0\n");
        KilnCommand.Result result =
                KilnCommand.run(
                        tmp,
                        "train",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "--output-dir",
                        outputDir().toString(),
                        "kiln.data.train.path=\"" + csv + "\"",
                        "kiln.data.train.test-fraction=0");

        assertThat(result.assertBadInput(outputDir()))
                .contains(csv + ":3: column 3: \"-1\" is not a class index");
    }

    /** @return every file under dir by relative path, with its size, time and content */
    private static Map<Path, String> snapshot(Path dir) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                FileTime modified = Files.getLastModifiedTime(file);
                files.put(
                        dir.relativize(file),
                        Files.size(file)
                                + " "
                                + modified
                                + "\n"
                                + new String(
                                        Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }
}
