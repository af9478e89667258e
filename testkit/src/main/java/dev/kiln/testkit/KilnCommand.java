package dev.kiln.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a distribution's {@code bin/kiln} as a subprocess, as a user would, and captures its exit
 * code, standard output and standard error separately: for tests of the command and of a plugin
 * jar installed into a distribution.
 */
public final class KilnCommand {

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
        List<String> command = new ArrayList<>();
        command.add(distribution.resolve("bin/kiln").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().remove("KILN_JAVA_OPTS");
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
