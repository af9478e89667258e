package dev.kiln.cli;

import dev.kiln.testkit.KilnCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The quickstart trained once per engine for all the command's tests in this JVM, as a newcomer
 * runs it ({@code kiln train --config examples/digits/digits-mlp.conf}, PyTorch without {@code
 * --engine}): the tests that only read its run directory share it instead of training it again.
 * The runs live in one temporary directory, deleted when the JVM ends.
 */
final class QuickstartRuns {

    /** A finished quickstart run: its directory and what the command printed. */
    record Run(Path dir, KilnCommand.Result result) {}

    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();
    private static Path root;

    private QuickstartRuns() {}

    /**
     * @param engine {@code PyTorch} or {@code MXNet}
     * @return the engine's run, trained on first use; its directory must only be read
     */
    static synchronized Run of(String engine) {
        return RUNS.computeIfAbsent(engine, QuickstartRuns::train);
    }

    private static Run train(String engine) {
        Path dir = root().resolve("quickstart-" + engine);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--config",
                                Repository.quickstartConfig().toString(),
                                "--output-dir",
                                dir.toString(),
                                Repository.digitsOverride()));
        if (!engine.equals("PyTorch")) {
            args.addAll(List.of("--engine", engine));
        }
        return new Run(dir, KilnCommand.run(root(), args));
    }

    private static Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("kiln-quickstart-runs-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path created = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(created)));
        }
        return root;
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind changes no test's outcome
        }
    }
}
