package dev.kiln.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a distribution's {@code bin/kiln} as a subprocess, as a user would, and captures its exit
 * code, standard output and standard error separately: for tests of the command and of a plugin
 * jar installed into a distribution.
 *
 * <p>A test run by failsafe finds the distribution in the system property {@value
 * #DISTRIBUTION_PROPERTY} ({@code <kiln.dist>${project.build.directory}/kiln</kiln.dist>} in its
 * {@code systemPropertyVariables}):
 *
 * <pre>{@code
 * KilnCommand.Result result = KilnCommand.run(tmp, "train", "--config", conf.toString());
 * assertThat(result.assertBadInput(tmp.resolve("output"))).contains("kiln.hello.period");
 * }</pre>
 */
public final class KilnCommand {

    /** The system property naming the distribution's root, the folder holding {@code bin/kiln}. */
    public static final String DISTRIBUTION_PROPERTY = "kiln.dist";

    /** How long {@link #run(Path, List)} lets one command run; a run that hangs fails instead. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(180);

    private KilnCommand() {}

    /**
     * What one run of {@code kiln} left behind.
     *
     * @param exitCode the exit code
     * @param stdout standard output
     * @param stderr standard error
     * @param args the command line after {@code kiln}
     */
    public record Result(int exitCode, String stdout, String stderr, List<String> args) {

        /** @return the command and both streams, for assertion messages */
        public String describe() {
            return "kiln "
                    + String.join(" ", args)
                    + "\nexit code: "
                    + exitCode
                    + "\n--- stdout:\n"
                    + stdout
                    + "\n--- stderr:\n"
                    + stderr;
        }

        /**
         * Asserts the command was refused as bad input the way users should see it: exit code 2,
         * one message on standard error whose first line starts with {@code kiln: }, no stack
         * trace on either stream, and, when an output directory is given, no run directory.
         *
         * @param outputDir the {@code --output-dir} given, or null when none was
         * @return standard error, for asserting what the message says
         */
        public String assertBadInput(Path outputDir) {
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

        /** Asserts that neither stream holds a stack trace. */
        public void assertNoStackTrace() {
            for (String stream : List.of(stderr, stdout)) {
                assertThat(stream)
                        .as(describe())
                        .doesNotContain("\tat ")
                        .doesNotContain("Exception in thread");
            }
        }
    }

    /**
     * The distribution named by the system property {@value #DISTRIBUTION_PROPERTY}.
     *
     * @return its root, holding an executable {@code bin/kiln}
     * @throws AssertionError when the property is not set or the distribution is not built
     */
    public static Path distribution() {
        String property = System.getProperty(DISTRIBUTION_PROPERTY);
        assertThat(property)
                .as(
                        "system property %s: the distribution's root (failsafe's"
                                + " systemPropertyVariables)",
                        DISTRIBUTION_PROPERTY)
                .isNotBlank();
        Path dist = Path.of(property).toAbsolutePath().normalize();
        assertThat(dist.resolve("bin/kiln"))
                .as("the distribution must be built first (mvn package)")
                .isExecutable();
        return dist;
    }

    /**
     * Runs the {@link #distribution()}'s {@code bin/kiln} for at most {@link #DEFAULT_TIMEOUT}.
     *
     * @param workDir the process's working directory
     * @param args the command line after {@code kiln}
     * @return exit code and output
     */
    public static Result run(Path workDir, String... args) {
        return run(workDir, List.of(args));
    }

    /**
     * Runs the {@link #distribution()}'s {@code bin/kiln} for at most {@link #DEFAULT_TIMEOUT}.
     *
     * @param workDir the process's working directory
     * @param args the command line after {@code kiln}
     * @return exit code and output
     */
    public static Result run(Path workDir, List<String> args) {
        return run(distribution(), workDir, DEFAULT_TIMEOUT, args);
    }

    /**
     * Runs {@code <distribution>/bin/kiln} with the arguments, with no standard input and without
     * the caller's {@code KILN_JAVA_OPTS}, and waits for it.
     *
     * @param distribution the distribution's root (holding {@code bin/kiln})
     * @param workDir the process's working directory
     * @param timeout how long it may run; then it and its children are killed
     * @param args the command line after {@code kiln}
     * @return exit code and output
     * @throws IllegalStateException when it runs past the timeout or the wait is interrupted
     */
    public static Result run(Path distribution, Path workDir, Duration timeout, List<String> args) {
        return run(distribution, workDir, timeout, Map.of(), args);
    }

    /**
     * Runs {@code <distribution>/bin/kiln} with the arguments, with no standard input, without the
     * caller's {@code KILN_JAVA_OPTS} and with the environment variables given (such as {@code
     * KILN_JAVA_OPTS=-Xmx32m}), and waits for it.
     *
     * @param distribution the distribution's root (holding {@code bin/kiln})
     * @param workDir the process's working directory
     * @param timeout how long it may run; then it and its children are killed
     * @param environment variables to set for the process
     * @param args the command line after {@code kiln}
     * @return exit code and output
     * @throws IllegalStateException when it runs past the timeout or the wait is interrupted
     */
    public static Result run(
            Path distribution,
            Path workDir,
            Duration timeout,
            Map<String, String> environment,
            List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(distribution.resolve("bin/kiln").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().remove("KILN_JAVA_OPTS");
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Read both streams while the process runs, so neither pipe fills up and blocks it.
            CompletableFuture<String> out = readAll(process.getInputStream());
            CompletableFuture<String> err = readAll(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(
                        "kiln " + String.join(" ", args) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), out.get(), err.get(), List.copyOf(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running kiln", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the output of kiln", e.getCause());
        }
    }

    private static CompletableFuture<String> readAll(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                // A thread of its own per stream: the common pool may have a single thread on a
                // small machine, and reading one stream to its end must not wait on the other.
                task -> {
                    Thread reader = new Thread(task, "kiln-output-reader");
                    reader.setDaemon(true);
                    reader.start();
                });
    }
}
