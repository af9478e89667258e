package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.KilnCommand;
import dev.kiln.testkit.PluginJars;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Every row of {@code docs/errors.md} as a run of the built distribution: its scenario writes the
 * bad input into a folder of its own and runs {@code kiln} there; the exit code is the row's, the
 * output holds the row's fragment of the message and no stack trace, and a refused run (exit 2)
 * leaves the folder byte for byte as it was (no run directory created, an existing one unchanged).
 * A row without a scenario, or a scenario without a row, fails the catalogue's own test.
 */
class ErrorCatalogIT {

    private static final List<String> ENGINES = List.of("PyTorch", "MXNet");
    private static final List<String> NO_ENGINE = List.of("");

    /** A table row: {@code | id | bad input or fault | what Kiln says | exit |}. */
    private static final Pattern ROW =
            Pattern.compile("^\\| ([a-z]+(?:-[a-z0-9]+)+) \\| (.+) \\| `(.+)` \\| (\\d+) \\|$");

    /** How a row run on both engines is marked in its second column. */
    private static final String BOTH_ENGINES = "*(both engines)*";

    private static final Pattern COVERED_ELSEWHERE = Pattern.compile("\\(tested by (\\w+IT)\\)");

    @TempDir static Path root;

    private static final ExecutorService POOL = Executors.newFixedThreadPool(4);
    private static final Map<String, Path> FIXTURES = new ConcurrentHashMap<>();

    /** One row of the catalogue. */
    record Row(String id, String fault, String says, int exit) {}

    /** Writes a scenario's files into its folder; may return what to undo after the run. */
    @FunctionalInterface
    interface Setup {
        AutoCloseable prepare(Path dir, String engine) throws Exception;
    }

    /** How one row is brought about: its files, the command line, the engines it runs on. */
    record Scenario(Setup setup, List<String> args, List<String> engines, Map<String, String> env) {

        Scenario onBothEngines() {
            return new Scenario(setup, args, ENGINES, env);
        }

        Scenario withEnv(String key, String value) {
            return new Scenario(setup, args, engines, Map.of(key, value));
        }
    }

    /** What one run of a scenario left. */
    record Outcome(
            String engine,
            KilnCommand.Result result,
            Map<String, String> before,
            Map<String, String> after) {}

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    @TestFactory
    Stream<DynamicTest> everyRowOfTheCatalogue() {
        List<Row> rows = rows();
        Map<String, Scenario> scenarios = scenarios();
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("every row has a scenario", () -> complete(rows)));
        for (Row row : rows) {
            Scenario scenario = scenarios.get(row.id());
            if (scenario == null) {
                continue;
            }
            Future<List<Outcome>> outcomes = POOL.submit(() -> execute(row, scenario));
            tests.add(DynamicTest.dynamicTest(row.id(), () -> check(row, await(outcomes))));
        }
        return tests.stream();
    }

    private static void complete(List<Row> rows) {
        Set<String> scenarioIds = new TreeSet<>(scenarios().keySet());
        Set<String> rowIds = new TreeSet<>();
        for (Row row : rows) {
            assertThat(rowIds.add(row.id())).as("row id %s appears once", row.id()).isTrue();
            Matcher elsewhere = COVERED_ELSEWHERE.matcher(row.fault());
            if (elsewhere.find()) {
                assertThat(scenarioIds)
                        .as("row %s is tested elsewhere", row.id())
                        .doesNotContain(row.id());
                assertThat(
                                Repository.root()
                                        .resolve(
                                                "cli/src/test/java/dev/kiln/cli/"
                                                        + elsewhere.group(1)
                                                        + ".java"))
                        .as("the test row %s names", row.id())
                        .isRegularFile();
            } else {
                assertThat(scenarioIds).as("a scenario for row %s", row.id()).contains(row.id());
                assertThat(scenarios().get(row.id()).engines())
                        .as(
                                "row %s is marked (both engines) as its scenario runs on both",
                                row.id())
                        .isEqualTo(row.fault().contains(BOTH_ENGINES) ? ENGINES : NO_ENGINE);
            }
        }
        assertThat(rowIds).as("rows of docs/errors.md").hasSizeGreaterThanOrEqualTo(50);
        assertThat(rowIds).as("every scenario is a row of docs/errors.md").containsAll(scenarioIds);
    }

    private static List<Outcome> await(Future<List<Outcome>> outcomes) throws Throwable {
        try {
            return outcomes.get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    private static List<Outcome> execute(Row row, Scenario scenario) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (String engine : scenario.engines()) {
            Path dir =
                    Files.createDirectories(
                            root.resolve(row.id()).resolve(engine.isEmpty() ? "run-dir" : engine));
            AutoCloseable undo = scenario.setup().prepare(dir, engine);
            try {
                Map<String, String> before = snapshot(dir);
                List<String> args = new ArrayList<>(scenario.args());
                if (!engine.isEmpty()) {
                    args.add("--engine");
                    args.add(engine);
                }
                KilnCommand.Result result =
                        KilnCommand.run(
                                KilnCommand.distribution(),
                                dir,
                                KilnCommand.DEFAULT_TIMEOUT,
                                scenario.env(),
                                args);
                outcomes.add(new Outcome(engine, result, before, snapshot(dir)));
            } finally {
                if (undo != null) {
                    undo.close();
                }
            }
        }
        return outcomes;
    }

    private static void check(Row row, List<Outcome> outcomes) {
        for (Outcome outcome : outcomes) {
            KilnCommand.Result result = outcome.result();
            String described =
                    (outcome.engine().isEmpty() ? "" : "--engine " + outcome.engine() + ": ")
                            + result.describe();
            assertThat(result.exitCode()).as(described).isEqualTo(row.exit());
            assertThat(result.stdout() + result.stderr()).as(described).contains(row.says());
            result.assertNoStackTrace();
            if (row.exit() == CliFailure.BAD_INPUT) {
                assertThat(result.stderr().lines().filter(l -> l.startsWith("kiln:")))
                        .as("one message: " + described)
                        .hasSize(1);
                assertThat(outcome.after())
                        .as("the folder is as it was, no run directory created: " + described)
                        .isEqualTo(outcome.before());
            }
        }
    }

    /** @return the rows of {@code docs/errors.md} */
    static List<Row> rows() {
        try {
            List<Row> rows = new ArrayList<>();
            for (String line : Files.readAllLines(Repository.root().resolve("docs/errors.md"))) {
                Matcher m = ROW.matcher(line);
                if (m.matches()) {
                    rows.add(
                            new Row(
                                    m.group(1),
                                    m.group(2),
                                    m.group(3),
                                    Integer.parseInt(m.group(4))));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return every file and folder under dir by relative path, with a file's bytes */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                String name = dir.relativize(p).toString();
                if (p.getFileName().toString().equals(RunLock.FILE)) {
                    // not opened: closing any descriptor of a file releases this process's lock
                    entries.put(name, "<lock file of " + Files.size(p) + " bytes>");
                } else if (Files.isRegularFile(p)) {
                    entries.put(
                            name, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                } else {
                    entries.put(name, "<folder>");
                }
            }
        }
        return entries;
    }

    // --- the scenarios ------------------------------------------------------------------------

    private static Map<String, Scenario> scenarios() {
        Map<String, Scenario> s = new LinkedHashMap<>();
        configScenarios(s);
        commandLineScenarios(s);
        dataScenarios(s);
        pluginScenarios(s);
        weightScenarios(s);
        environmentScenarios(s);
        trainingScenarios(s);
        return s;
    }

    private static void configScenarios(Map<String, Scenario> s) {
        s.put(
                "config-syntax",
                trainWith("broken.conf", "kiln {\n  solver {\n    max-iter = \n  }\n}\n"));
        s.put(
                "config-type",
                trainWith("many.conf", "kiln {\n  solver {\n    max-iter = \"many\"\n  }\n}\n"));
        s.put(
                "config-range-int",
                trainWith("range.conf", "kiln {\n  solver {\n    batch-size = 0\n  }\n}\n"));
        s.put("config-range-real", train("kiln.solver.base-lr=-1"));
        s.put("config-unknown-key", train("kiln.solver.base_lr=0.1"));
        s.put("config-unknown-key-far", train("kiln.solver.loss=mse"));
        s.put(
                "config-include-missing",
                trainWith("x.conf", "kiln.solver.max-iter = 5\ninclude \"missing.conf\"\n"));
        s.put(
                "config-include-url",
                trainWith("url.conf", "include \"http://example.com/kiln.conf\"\n"));
        s.put(
                "config-substitution",
                trainWith("subst.conf", "kiln {\n  solver {\n    max-iter = ${nope}\n  }\n}\n"));
        s.put(
                "config-file-missing",
                command(none(), "train", "--config", "nope.conf", "--output-dir", "run"));
        s.put("config-model-unknown", train("kiln.model.type=nosuch"));
        s.put("config-optimizer-unknown", train("kiln.solver.optimizer=nosuch"));
        s.put("config-hook-unknown", train("kiln.hooks=[nosuchhook]"));
        s.put("config-writer-unknown", train("kiln.writers=[nosuch]"));
        s.put("config-engine-unknown", train("--engine", "Foo"));
        s.put("config-device-invalid", train("kiln.device=tpu"));
        s.put("config-device-unavailable", train("kiln.device=\"gpu:0\"").onBothEngines());
        s.put("config-iter-and-epochs", train("kiln.solver.max-epochs=2"));
        s.put("config-accumulate-steps", train("kiln.solver.accumulate-steps=3"));
        s.put("config-freeze-all", train("kiln.solver.freeze=[\".*\"]"));
        s.put(
                "config-freeze-regex",
                trainWith("freeze.conf", "kiln.solver {\n  freeze = [\"(hidden\"]\n}\n"));
        s.put("config-weights-missing", train("kiln.weights=missing.safetensors"));
    }

    private static void commandLineScenarios(Map<String, Scenario> s) {
        s.put("cli-unknown-option", command(none(), "train", "--confg", "my.conf"));
        s.put("cli-unknown-command", command(none(), "bogus"));
        s.put("cli-no-command", command(none()));
        s.put("cli-no-config", command(none(), "train"));
        s.put(
                "cli-config-without-option",
                command(files("my.conf", "kiln.solver.max-iter = 5\n"), "train", "my.conf"));
        s.put("cli-not-an-override", train("fast"));
        s.put("cli-smoke-resume", train("--smoke", "--resume"));
        s.put("cli-nproc-zero", train("--nproc", "0"));
        s.put("cli-nproc-batch", train("--nproc", "2", "kiln.solver.batch-size=15"));
        s.put("cli-output-holds-run", train(fixture(), "kiln.hooks=[checkpoint]"));
        s.put(
                "cli-output-in-use",
                train(
                        (dir, engine) -> {
                            fixture().prepare(dir, engine);
                            FileChannel channel =
                                    FileChannel.open(
                                            dir.resolve("run").resolve(RunLock.FILE),
                                            StandardOpenOption.CREATE,
                                            StandardOpenOption.WRITE);
                            FileLock lock = channel.lock();
                            return () -> {
                                lock.release();
                                channel.close();
                            };
                        },
                        "--resume",
                        "kiln.hooks=[checkpoint]"));
        s.put("cli-resume-no-run", train(files("run/notes.txt", "mine\n"), "--resume"));
        s.put(
                "cli-export-inside-run",
                command(fixture(), "export", "--run", "run", "--to", "run/export"));
        s.put(
                "cli-export-no-run",
                command(none(), "export", "--run", "nothere", "--to", "exported"));
        s.put(
                "cli-predict-not-export",
                command(fixture(), "predict", "--model", "run", "rows.csv"));
        s.put(
                "cli-predict-missing-input",
                command(exported(), "predict", "--model", "exported", "nope.csv"));
        s.put(
                "cli-predict-width",
                command(
                        both(exported(), files("rows.csv", "1,2,0\n")),
                        "predict",
                        "--model",
                        "exported",
                        "rows.csv"));
    }

    private static void dataScenarios(Map<String, Scenario> s) {
        s.put("data-csv-missing", train("kiln.data.train.path=missing.csv"));
        s.put("data-csv-not-a-number", csv("nonnum.csv", "1,2,0\n3,x,1\n5,6,0\n"));
        s.put("data-csv-empty-cell", csv("emptycell.csv", "1,2,0\n3,,1\n5,6,0\n"));
        s.put("data-csv-nan", csv("nan.csv", "1,2,0\n3,NaN,1\n5,6,0\n"));
        s.put("data-csv-infinity", csv("inf.csv", "1,2,0\n3,4,1\n-Infinity,6,0\n"));
        s.put("data-csv-overflow", csv("overflow.csv", "1,2,0\n1e39,4,1\n"));
        s.put("data-csv-width", csv("short.csv", "1,2,0\n3,4,1\n5,6\n"));
        s.put("data-csv-label-negative", csv("negative.csv", "1,2,0\n3,4,1\n5,6,-1\n7,8,0\n"));
        s.put("data-csv-label-fraction", csv("frac.csv", "1,2,0\n3,4,1.5\n5,6,0\n"));
        s.put("data-csv-label-range", csv("huge.csv", "1,2,0\n3,4,1\n5,6,0\n7,8,1e9\n"));
        s.put("data-csv-empty", csv("empty.csv", ""));
        s.put(
                "data-csv-header-only",
                csv("header.csv", "a,b,label\n", "kiln.data.train.header=true"));
        s.put("data-images-missing", images(none(), "nosuch"));
        s.put("data-images-no-classes", images(folder("imgs"), "imgs"));
        s.put("data-images-empty-class", images(both(imageFolder(), folder("imgs/coat")), "imgs"));
        s.put(
                "data-images-not-an-image",
                images(both(imageFolder(), files("imgs/bag/notes.png", "not an image")), "imgs"));
        s.put("data-idx-missing", idx("kiln.data.train.images=nosuch.idx"));
        s.put("data-idx-magic", idx("kiln.data.train.images=magic.idx"));
        s.put("data-idx-type", idx("kiln.data.train.images=float.idx"));
        s.put("data-idx-truncated", idx("kiln.data.train.images=trunc.idx"));
        s.put("data-idx-counts", idx("kiln.data.train.labels=labels3.idx"));
        s.put("data-idx-label-dims", idx("kiln.data.train.labels=images.idx"));
    }

    private static void pluginScenarios(Map<String, Scenario> s) {
        s.put("plugin-not-a-jar", plugins(files("plugins/notes.txt", "my notes\n")));
        s.put(
                "plugin-corrupt-jar",
                plugins(
                        (dir, engine) -> {
                            PluginJars.corruptJar(dir.resolve("plugins"), "broken.jar");
                            return null;
                        }));
        s.put(
                "plugin-missing-class",
                plugins(
                        jar(
                                "missing.jar",
                                """
                                package com.example;

                                public final class Present {}
                                """,
                                "dev.kiln.train.Hook",
                                "com.example.Nope")));
        s.put(
                "plugin-constructor-throws",
                plugins(
                        jar(
                                "boom.jar",
                                """
                                package com.example.boom;

                                @dev.kiln.spi.KilnExtension(name = "boom")
                                public final class Boom implements dev.kiln.train.Hook {
                                    public Boom() {
                                        throw new IllegalStateException("the boom hook cannot start");
                                    }
                                }
                                """,
                                "dev.kiln.train.Hook",
                                "com.example.boom.Boom"),
                        "kiln.hooks=[boom]"));
        s.put(
                "plugin-setting",
                plugins(
                        both(
                                (dir, engine) -> {
                                    PluginJars.jar("strict-greeter.jar")
                                            .java(
                                                    """
                                                    package com.example.strict;

                                                    import com.typesafe.config.Config;
                                                    import dev.kiln.spi.KilnExtension;
                                                    import dev.kiln.spi.Settings;
                                                    import dev.kiln.train.Hook;
                                                    import jakarta.inject.Inject;

                                                    @KilnExtension(name = "greeter")
                                                    public final class StrictGreeter implements Hook {
                                                        @Inject
                                                        public StrictGreeter(Config section) {
                                                            Settings.of(section, "kiln.greeter").intAtLeast("period", 1);
                                                        }
                                                    }
                                                    """)
                                            .service(
                                                    "dev.kiln.train.Hook",
                                                    "com.example.strict.StrictGreeter")
                                            .resource(
                                                    "reference.conf",
                                                    "kiln.greeter { period = 5 }\n")
                                            .writeTo(dir.resolve("plugins"));
                                    return null;
                                },
                                files("greeter.conf", "kiln {\n  greeter.period = 0\n}\n")),
                        "--config",
                        "greeter.conf",
                        "kiln.hooks=[greeter]"));
        s.put(
                "plugin-two-names",
                plugins(
                        (dir, engine) -> {
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
                                        .writeTo(dir.resolve("plugins"));
                            }
                            return null;
                        },
                        "kiln.hooks=[twin]"));
        s.put(
                "plugin-other-api",
                plugins(
                        (dir, engine) -> {
                            Path api =
                                    PluginJars.jar("gone-api.jar")
                                            .java(
                                                    """
                                                    package com.example.gone;

                                                    public interface OldApi {}
                                                    """)
                                            .writeTo(dir.resolve("old-kiln"));
                            PluginJars.jar("old.jar")
                                    .java(
                                            """
                                            package com.example.old;

                                            @dev.kiln.spi.KilnExtension(name = "old")
                                            public final class Old
                                                    implements dev.kiln.train.Hook, com.example.gone.OldApi {}
                                            """)
                                    .service("dev.kiln.train.Hook", "com.example.old.Old")
                                    .classPath(api)
                                    .writeTo(dir.resolve("plugins"));
                            return null;
                        },
                        "kiln.hooks=[old]"));
    }

    private static void weightScenarios(Map<String, Scenario> s) {
        s.put(
                "weights-not-safetensors",
                train(
                        files("notes.safetensors", "these are notes\n"),
                        "kiln.weights=notes.safetensors"));
        s.put(
                "weights-truncated",
                train(
                        (dir, engine) -> {
                            Path file =
                                    safetensors(
                                            dir.resolve("truncated.safetensors"),
                                            DataType.FLOAT32,
                                            8);
                            byte[] bytes = Files.readAllBytes(file);
                            Files.write(file, Arrays.copyOf(bytes, bytes.length - 1000));
                            return null;
                        },
                        "kiln.weights=truncated.safetensors"));
        s.put(
                "weights-header-length",
                train(
                        (dir, engine) -> {
                            byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
                            Files.write(
                                    dir.resolve("header.safetensors"),
                                    ByteBuffer.allocate(8 + json.length)
                                            .order(ByteOrder.LITTLE_ENDIAN)
                                            .putLong(100000)
                                            .put(json)
                                            .array());
                            return null;
                        },
                        "kiln.weights=header.safetensors"));
        s.put(
                "weights-header-json",
                train(
                        (dir, engine) -> {
                            rawSafetensors(dir.resolve("json.safetensors"), "{\"w\": [");
                            return null;
                        },
                        "kiln.weights=json.safetensors"));
        s.put(
                "weights-dtype-unknown",
                train(
                        (dir, engine) -> {
                            rawSafetensors(
                                    dir.resolve("dtype.safetensors"),
                                    "{\"01hidden1_weight\":{\"dtype\":\"Q7\",\"shape\":[8,64],"
                                            + "\"data_offsets\":[0,2048]}}");
                            return null;
                        },
                        "kiln.weights=dtype.safetensors"));
        s.put("weights-dtype-float64", strictWeights(DataType.FLOAT64, 8));
        s.put("weights-dtype-int32", strictWeights(DataType.INT32, 8));
        s.put("weights-shapes", strictWeights(DataType.FLOAT32, 16));
        s.put(
                "weights-flipped-byte",
                command(
                                both(fixture(), flipByte()),
                                base("--output-dir", "fresh", "kiln.weights=run/model_final"))
                        .onBothEngines());
        s.put(
                "weights-no-manifest",
                command(
                                both(fixture(), delete("run/model_final/manifest.json")),
                                base("--output-dir", "fresh", "kiln.weights=run/model_final"))
                        .onBothEngines());
        s.put("resume-flipped-byte", resume(flipByte()));
        s.put("resume-no-manifest", resume(delete("run/model_final/manifest.json")));
        s.put("resume-other-model", resume(none(), "kiln.model.hidden-sizes=[16]"));
        s.put(
                "resume-config-changed",
                resume(none(), "kiln.solver.base-lr=0.02", "kiln.solver.max-iter=6"));
    }

    private static void environmentScenarios(Map<String, Scenario> s) {
        s.put(
                "env-output-under-file",
                command(files("notes.txt", "mine"), base("--output-dir", "notes.txt/run")));
        s.put(
                "env-output-is-file",
                command(files("notes.txt", "mine"), base("--output-dir", "notes.txt")));
        s.put("env-output-not-creatable", command(none(), base("--output-dir", "/proc/kiln-run")));
        s.put(
                "env-output-read-only",
                command(
                        (dir, engine) -> {
                            Path ro = Files.createDirectories(dir.resolve("ro"));
                            Process mount =
                                    new ProcessBuilder(
                                                    "mount",
                                                    "-t",
                                                    "tmpfs",
                                                    "-o",
                                                    "ro,size=1m",
                                                    "tmpfs",
                                                    ro.toString())
                                            .redirectErrorStream(true)
                                            .start();
                            String why =
                                    new String(
                                            mount.getInputStream().readAllBytes(),
                                            StandardCharsets.UTF_8);
                            if (mount.waitFor() != 0) {
                                throw new TestAbortedException(
                                        "mounting a read-only tmpfs was refused ("
                                                + why.strip()
                                                + ")");
                            }
                            return () ->
                                    new ProcessBuilder("umount", ro.toString())
                                            .inheritIO()
                                            .start()
                                            .waitFor();
                        },
                        base("--output-dir", "ro/run")));
    }

    private static void trainingScenarios(Map<String, Scenario> s) {
        s.put(
                "train-non-finite-loss",
                train("kiln.solver.base-lr=1e30", "kiln.solver.max-iter=50").onBothEngines());
        s.put(
                "train-hook-throws",
                plugins(
                        jar(
                                "thrower.jar",
                                """
                                package com.example.thrower;

                                @dev.kiln.spi.KilnExtension(name = "thrower")
                                public final class Thrower implements dev.kiln.train.Hook {
                                    @Override
                                    public void afterStep() {
                                        throw new IllegalStateException("thrower failed on purpose");
                                    }
                                }
                                """,
                                "dev.kiln.train.Hook",
                                "com.example.thrower.Thrower"),
                        "kiln.hooks=[thrower]"));
        s.put(
                "train-writer-throws",
                plugins(
                        jar(
                                "badwriter.jar",
                                """
                                package com.example.badwriter;

                                @dev.kiln.spi.KilnExtension(name = "badwriter")
                                public final class BadWriter implements dev.kiln.events.EventWriter {
                                    @Override
                                    public void write(dev.kiln.events.EventStorage storage) {
                                        throw new IllegalStateException("badwriter failed on purpose");
                                    }
                                }
                                """,
                                "dev.kiln.events.EventWriter",
                                "com.example.badwriter.BadWriter"),
                        "kiln.writers=[badwriter]"));
        s.put(
                "train-out-of-memory",
                train(
                                (dir, engine) -> {
                                    // 400,000 rows of 65 cells: 100 MB of floats, 200 kB on disk
                                    String row = "0,".repeat(64) + "1\n";
                                    try (OutputStream out =
                                            new GZIPOutputStream(
                                                    Files.newOutputStream(
                                                            dir.resolve("big.csv.gz")))) {
                                        byte[] bytes = row.getBytes(StandardCharsets.US_ASCII);
                                        for (int i = 0; i < 400_000; i++) {
                                            out.write(bytes);
                                        }
                                    }
                                    return null;
                                },
                                "kiln.data.train.path=big.csv.gz")
                        .withEnv("KILN_JAVA_OPTS", "-Xmx32m"));
    }

    // --- building blocks ----------------------------------------------------------------------

    /** The base config: a small MLP on the repository's digits, 5 iterations, no hooks. */
    private static String baseConfig() {
        return "kiln {\n"
                + "  model { type = mlp, hidden-sizes = [8] }\n"
                + "  data.train {\n"
                + "    type = csv\n"
                + "    path = \""
                + Repository.digits()
                + "\"\n"
                + "    scaling = standardize\n"
                + "    test-fraction = 0.2\n"
                + "  }\n"
                + "  solver { optimizer = sgd, base-lr = 0.05, max-iter = 5, batch-size = 16 }\n"
                + "  hooks = []\n"
                + "}\n";
    }

    private static List<String> base(String... args) {
        List<String> command = new ArrayList<>(List.of("train", "--config", "base.conf"));
        command.addAll(List.of(args));
        return command;
    }

    private static Scenario command(Setup setup, String... args) {
        return command(setup, List.of(args));
    }

    private static Scenario command(Setup setup, List<String> args) {
        return new Scenario(
                both(files("base.conf", baseConfig()), setup), args, NO_ENGINE, Map.of());
    }

    /** {@code train --config base.conf --output-dir run <args>} */
    private static Scenario train(String... args) {
        return train(none(), args);
    }

    private static Scenario train(Setup setup, String... args) {
        List<String> command = base("--output-dir", "run");
        command.addAll(List.of(args));
        return command(setup, command);
    }

    /** {@code train} with one more config file. */
    private static Scenario trainWith(String name, String text) {
        return train(files(name, text), "--config", name);
    }

    private static Scenario csv(String name, String text, String... args) {
        List<String> command = new ArrayList<>(List.of("kiln.data.train.path=" + name));
        command.addAll(List.of(args));
        return train(files(name, text), command.toArray(String[]::new));
    }

    private static Scenario images(Setup setup, String folder) {
        return command(
                setup,
                "train",
                "--config",
                Repository.root().resolve("examples/images/images.conf").toString(),
                "--output-dir",
                "run",
                "kiln.data.train.path=" + folder,
                "kiln.data.test.path=" + folder);
    }

    private static Scenario idx(String override) {
        String conf =
                "kiln {\n"
                        + "  model { type = mlp, hidden-sizes = [8] }\n"
                        + "  data.train { type = idx, images = images.idx, labels = labels.idx }\n"
                        + "  solver { optimizer = sgd, base-lr = 0.05, max-iter = 2, batch-size = 2 }\n"
                        + "  hooks = []\n"
                        + "}\n";
        Setup files =
                both(
                        files("idx.conf", conf),
                        (dir, engine) -> {
                            writeIdx(
                                    dir.resolve("images.idx"),
                                    0x08,
                                    new int[] {4, 4, 4},
                                    new byte[64],
                                    false);
                            writeIdx(
                                    dir.resolve("labels.idx"),
                                    0x08,
                                    new int[] {4},
                                    new byte[] {0, 1, 0, 1},
                                    false);
                            writeIdx(
                                    dir.resolve("labels3.idx"),
                                    0x08,
                                    new int[] {3},
                                    new byte[] {0, 1, 0},
                                    false);
                            writeIdx(
                                    dir.resolve("trunc.idx"),
                                    0x08,
                                    new int[] {4, 4, 4},
                                    new byte[30],
                                    false);
                            writeIdx(
                                    dir.resolve("magic.idx"),
                                    0x08,
                                    new int[] {4, 4, 4},
                                    new byte[64],
                                    true);
                            writeIdx(
                                    dir.resolve("float.idx"),
                                    0x0D,
                                    new int[] {4, 4, 4},
                                    new byte[256],
                                    false);
                            return null;
                        });
        return command(files, "train", "--config", "idx.conf", "--output-dir", "run", override);
    }

    private static void writeIdx(Path file, int type, int[] dims, byte[] values, boolean badMagic)
            throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        bytes.put(badMagic ? (byte) 'P' : 0)
                .put(badMagic ? (byte) 'K' : 0)
                .put((byte) type)
                .put((byte) dims.length);
        for (int d : dims) {
            bytes.putInt(d);
        }
        bytes.put(values);
        Files.write(file, bytes.array());
    }

    private static Scenario plugins(Setup setup, String... args) {
        List<String> command = new ArrayList<>(List.of("--plugins", "plugins"));
        command.addAll(List.of(args));
        return train(setup, command.toArray(String[]::new));
    }

    private static Setup jar(String fileName, String source, String service, String className) {
        return (dir, engine) -> {
            PluginJars.jar(fileName)
                    .java(source)
                    .service(service, className)
                    .writeTo(dir.resolve("plugins"));
            return null;
        };
    }

    private static Scenario strictWeights(DataType type, int hidden) {
        String name = type == DataType.FLOAT32 ? "other.safetensors" : "typed.safetensors";
        return train(
                        both(
                                (dir, engine) -> {
                                    safetensors(dir.resolve(name), type, hidden);
                                    return null;
                                },
                                files(
                                        "strict.conf",
                                        "kiln {\n  weights {\n    path = "
                                                + name
                                                + "\n    strict = true\n  }\n}\n")),
                        "--config",
                        "strict.conf")
                .onBothEngines();
    }

    /** {@code --resume} of a copy of the engine's trained run, changed by setup. */
    private static Scenario resume(Setup change, String... args) {
        List<String> command = new ArrayList<>(List.of("--resume", "kiln.hooks=[checkpoint]"));
        command.addAll(List.of(args));
        return train(both(fixture(), change), command.toArray(String[]::new)).onBothEngines();
    }

    /** Writes the base model's parameters (with {@code hidden} units) as zeros of a type. */
    private static Path safetensors(Path file, DataType type, int hidden) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("01hidden1_weight", zeros(type, hidden, 64));
        tensors.put("01hidden1_bias", zeros(type, hidden));
        tensors.put("03output_weight", zeros(type, 10, hidden));
        tensors.put("03output_bias", zeros(type, 10));
        try (FileChannel out =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafeTensors.write(tensors, Map.of(), out);
        }
        return file;
    }

    private static TensorData zeros(DataType type, long... shape) {
        Shape s = new Shape(shape);
        return new TensorData(type, s, new byte[Math.toIntExact(s.size() * type.getNumOfBytes())]);
    }

    private static void rawSafetensors(Path file, String header) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        Files.write(
                file,
                ByteBuffer.allocate(8 + json.length)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(json.length)
                        .put(json)
                        .array());
    }

    private static Setup none() {
        return (dir, engine) -> null;
    }

    private static Setup both(Setup first, Setup second) {
        return (dir, engine) -> {
            AutoCloseable a = first.prepare(dir, engine);
            AutoCloseable b = second.prepare(dir, engine);
            if (a == null) {
                return b;
            }
            if (b == null) {
                return a;
            }
            return () -> {
                b.close();
                a.close();
            };
        };
    }

    private static Setup files(String name, String text) {
        return (dir, engine) -> {
            PluginJars.textFile(dir.resolve(name), text);
            return null;
        };
    }

    private static Setup folder(String name) {
        return (dir, engine) -> {
            Files.createDirectories(dir.resolve(name));
            return null;
        };
    }

    private static Setup delete(String name) {
        return (dir, engine) -> {
            Files.delete(dir.resolve(name));
            return null;
        };
    }

    /** Flips one byte of the parameters of the run's final checkpoint. */
    private static Setup flipByte() {
        return (dir, engine) -> {
            Path file = dir.resolve("run/model_final/model.safetensors");
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length - 10] ^= (byte) 0xff;
            Files.write(file, bytes);
            return null;
        };
    }

    /** A folder {@code imgs} of one class with a real 28x28 PNG of the image example. */
    private static Setup imageFolder() {
        return (dir, engine) -> {
            Path source = Repository.root().resolve("examples/images/train/bag");
            try (Stream<Path> files = Files.list(source)) {
                Path first = files.sorted().findFirst().orElseThrow();
                Files.createDirectories(dir.resolve("imgs/bag"));
                Files.copy(first, dir.resolve("imgs/bag/1.png"));
            }
            return null;
        };
    }

    /** A copy, as {@code run}, of a run of the base config with a checkpoint, on the engine. */
    private static Setup fixture() {
        return (dir, engine) -> {
            copy(trainedRun(engine.isEmpty() ? "PyTorch" : engine), dir.resolve("run"));
            return null;
        };
    }

    /** The export, as {@code exported}, of the PyTorch run. */
    private static Setup exported() {
        return (dir, engine) -> {
            copy(export(), dir.resolve("exported"));
            return null;
        };
    }

    private static synchronized Path trainedRun(String engine) throws IOException {
        Path known = FIXTURES.get(engine);
        if (known != null) {
            return known;
        }
        Path dir = Files.createDirectories(root.resolve("fixture-" + engine));
        Files.writeString(dir.resolve("base.conf"), baseConfig());
        KilnCommand.Result result =
                KilnCommand.run(
                        dir,
                        base("--output-dir", "run", "--engine", engine, "kiln.hooks=[checkpoint]"));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(dir.resolve("run/model_final/manifest.json")).isRegularFile();
        FIXTURES.put(engine, dir.resolve("run"));
        return dir.resolve("run");
    }

    private static synchronized Path export() throws IOException {
        Path known = FIXTURES.get("export");
        if (known != null) {
            return known;
        }
        Path run = trainedRun("PyTorch");
        Path to = root.resolve("fixture-export");
        KilnCommand.Result result =
                KilnCommand.run(root, "export", "--run", run.toString(), "--to", to.toString());
        assertThat(result.exitCode()).as(result.describe()).isZero();
        FIXTURES.put("export", to);
        return to;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
