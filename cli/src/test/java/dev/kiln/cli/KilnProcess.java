package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import dev.kiln.testkit.KilnCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs the built distribution's {@code bin/kiln} as a subprocess, as a user would, and captures its
 * exit code, standard output and standard error separately.
 *
 * <p>Failsafe passes {@code kiln.dist} (the distribution, {@code cli/target/kiln}) and {@code
 * kiln.repo} (the repository's root) as system properties.
 */
final class KilnProcess {

    /** Longer than any run of the suite takes; a run that hangs fails instead of blocking. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private KilnProcess() {}

    /** What one run of {@code kiln} left behind. */
    record Result(int exitCode, String stdout, String stderr, List<String> command) {

        /** @return stdout and stderr, for assertion messages */
        String describe() {
            return "kiln "
                    + String.join(" ", command)
                    + "\nexit code: "
                    + exitCode
                    + "\n--- stdout:\n"
                    + stdout
                    + "\n--- stderr:\n"
                    + stderr;
        }

        /**
         * Asserts the command was refused as bad input the way users should see it: exit code 2,
         * one message on standard error starting with {@code kiln: }, no stack trace anywhere, and
         * no run directory created.
         *
         * @param outputDir the {@code --output-dir} given, or null when none was
         * @return standard error, for asserting what the message says
         */
        String assertBadInput(Path outputDir) {
            assertThat(exitCode).as(describe()).isEqualTo(2);
            assertNoStackTrace();
            List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as(describe()).isNotEmpty();
            assertThat(lines.get(0)).as(describe()).startsWith("kiln: ");
            assertThat(lines.stream().filter(l -> l.startsWith("kiln:")))
                    .as("one message, not several: " + describe())
                    .hasSize(1);
            assertThat(stderr).as(describe()).doesNotContain("unexpected failure");
            if (outputDir != null) {
                assertThat(outputDir).as("no run directory for a refused run").doesNotExist();
            }
            return stderr;
        }

        /** Asserts neither stream holds a stack trace. */
        void assertNoStackTrace() {
            for (String stream : List.of(stderr, stdout)) {
                assertThat(stream)
                        .as(describe())
                        .doesNotContain("\tat ")
                        .doesNotContain("Exception in thread");
            }
        }
    }

    /** @return the distribution's root, {@code cli/target/kiln} */
    static Path dist() {
        Path dist = Path.of(requiredProperty("kiln.dist")).toAbsolutePath().normalize();
        assertThat(dist.resolve("bin/kiln"))
                .as("the distribution must be built first (mvn install -DskipTests)")
                .isExecutable();
        return dist;
    }

    /** @return the repository's root */
    static Path repo() {
        return Path.of(requiredProperty("kiln.repo")).toAbsolutePath().normalize();
    }

    /** @return the quickstart's config, {@code examples/digits/digits-mlp.conf} */
    static Path quickstartConfig() {
        return repo().resolve("examples/digits/digits-mlp.conf");
    }

    /** @return the digits data, {@code examples/digits/digits.csv.gz} */
    static Path digits() {
        return repo().resolve("examples/digits/digits.csv.gz");
    }

    /** @return the override that points the quickstart at the digits data by absolute path */
    static String digitsOverride() {
        return "kiln.data.train.path=\"" + digits() + "\"";
    }

    /**
     * Runs {@code bin/kiln} with the arguments and waits for it.
     *
     * @param workDir the working directory of the process
     * @param args the command line after {@code kiln}
     * @return exit code and output
     */
    static Result run(Path workDir, String... args) {
        return run(workDir, List.of(args));
    }

    /**
     * Runs {@code bin/kiln} with the arguments and waits for it.
     *
     * @param workDir the working directory of the process
     * @param args the command line after {@code kiln}
     * @return exit code and output
     */
    static Result run(Path workDir, List<String> args) {
        KilnCommand.Result r = KilnCommand.run(dist(), workDir, TIMEOUT, args);
        return new Result(r.exitCode(), r.stdout(), r.stderr(), r.args());
    }

    /**
     * Writes a text file.
     *
     * @param file where; its folder is created if missing
     * @param text the content
     * @return the file
     */
    static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        assertThat(value)
                .as("system property %s (set by failsafe in cli/pom.xml)", name)
                .isNotBlank();
        return value;
    }
}
