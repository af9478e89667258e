package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What reaches the console besides Kiln's own lines: nothing. libtorch's native deprecation
 * warning is dropped by {@code bin/kiln} (and shown with {@code --verbose}); the repository's
 * {@code kiln} script builds with Maven without colour or terminal codes.
 */
class ConsoleIT {

    private static final String NATIVE_WARNING = "AutoNonVariableTypeMode is deprecated";

    @TempDir Path tmp;

    private KilnCommand.Result train(String engine, String... more) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "train",
                                "--config",
                                Repository.quickstartConfig().toString(),
                                "--output-dir",
                                tmp.resolve("run-" + engine + more.length).toString(),
                                Repository.digitsOverride(),
                                "--engine",
                                engine,
                                "kiln.solver.max-iter=20"));
        args.addAll(List.of(more));
        return KilnCommand.run(tmp, args);
    }

    @ParameterizedTest(name = "--engine {0}")
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRunThatSucceedsWritesNothingToStandardError(String engine) {
        KilnCommand.Result result = train(engine);

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).contains("iter: 19 ");
        assertThat(result.stderr()).as(result.describe()).isEmpty();
    }

    @Test
    void intoAFileBothStreamsArriveWholeAndWithoutTheNativeWarning() throws Exception {
        Path log = tmp.resolve("train.log");
        Path failed = tmp.resolve("failed.log");

        int trained =
                runInto(
                        log,
                        "train",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "--output-dir",
                        tmp.resolve("run-into-file").toString(),
                        Repository.digitsOverride(),
                        "kiln.solver.max-iter=20");
        int refused = runInto(failed, "train", "--config", "nope.conf");

        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(trained).as(text).isZero();
        assertThat(text).contains("iter: 19 ").contains("Done: ").doesNotContain(NATIVE_WARNING);
        assertThat(refused).isEqualTo(2);
        assertThat(failed)
                .content()
                .isEqualTo("kiln: invalid config:\nconfig file not found: nope.conf\n");
    }

    /** Runs bin/kiln with standard output and error into one file, as {@code &> file} does. */
    private int runInto(Path file, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(KilnCommand.distribution().resolve("bin/kiln").toString());
        command.addAll(List.of(args));
        Process process =
                new ProcessBuilder(command)
                        .directory(tmp.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(file.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return process.exitValue();
    }

    @Test
    void verboseShowsTheNativeWarningThatIsOtherwiseDropped() {
        KilnCommand.Result result = train("PyTorch", "--verbose");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stderr()).as(result.describe()).contains(NATIVE_WARNING);
    }

    @Test
    void theRepositoryScriptBuildsWithoutColoursOrTerminalCodes() throws Exception {
        // A copy of the repository's kiln script, with a Maven on the PATH that records how it was
        // called, runs the real Maven the same way on the repository's parent pom (validate only:
        // nothing is built or installed), and lays out a distribution whose bin/kiln echoes.
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        Path script =
                Files.copy(
                        Repository.root().resolve("kiln"),
                        repo.resolve("kiln"),
                        StandardCopyOption.COPY_ATTRIBUTES);
        Path calls = tmp.resolve("mvn-calls.txt");
        Path fakeBin = tmp.resolve("bin");
        Files.createDirectories(fakeBin);
        executable(
                fakeBin.resolve("mvn"),
                "#!/usr/bin/env bash\n"
                        + "printf '%s\\n' \"$@\" \"MAVEN_OPTS=$MAVEN_OPTS\" > '"
                        + calls
                        + "'\n"
                        + "mkdir -p cli/target/kiln/bin\n"
                        + "printf '#!/usr/bin/env bash\\necho \"kiln ran: $*\"\\n' > cli/target/kiln/bin/kiln\n"
                        + "chmod +x cli/target/kiln/bin/kiln\n"
                        + "args=()\n"
                        + "for a in \"$@\"; do [ \"$a\" = install ] && a=validate; args+=(\"$a\"); done\n"
                        + "exec '"
                        + realMaven()
                        + "' \"${args[@]}\" -N -f '"
                        + Repository.root().resolve("pom.xml")
                        + "'\n");
        ProcessBuilder builder =
                new ProcessBuilder(script.toString(), "plugins").directory(tmp.toFile());
        builder.environment().put("PATH", fakeBin + File.pathSeparator + System.getenv("PATH"));
        builder.environment().remove("MAVEN_OPTS");
        Process process = builder.redirectErrorStream(true).start();
        process.getOutputStream().close();
        String console =
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).as(console).isZero();
        assertThat(console)
                .as("everything the script printed")
                .isEqualTo(
                        "kiln: building the distribution (mvn -q -DskipTests install), once per"
                                + " change of the sources...\n"
                                + "kiln ran: plugins\n");
        assertThat(Files.readAllLines(calls))
                .containsExactly(
                        "-B",
                        "-q",
                        "-Dstyle.color=never",
                        "-DskipTests",
                        "install",
                        "MAVEN_OPTS= -Djansi.noreset=true");
    }

    private static Path executable(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** @return the mvn on the PATH that runs this build */
    private static Path realMaven() {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path mvn = Path.of(dir, "mvn");
            if (Files.isExecutable(mvn)) {
                return mvn;
            }
        }
        throw new IllegalStateException("no mvn on the PATH");
    }
}
