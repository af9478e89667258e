package dev.kiln.bench;

import dev.kiln.events.EventStorage;
import dev.kiln.events.EventWriter;
import dev.kiln.writers.json.JsonWriter;
import dev.kiln.writers.tensorboard.TensorBoardOptions;
import dev.kiln.writers.tensorboard.TensorBoardWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures what one {@code write()} of each file writer costs the training thread: a storage with
 * {@code --scalars} scalars (two of them unsmoothed, like {@code lr} and {@code eta_seconds}) put
 * every iteration, a write every {@code --period} iterations, and only the {@code write()} call
 * timed. The TensorBoard writer's background thread is drained (untimed) after each write, as it
 * is when training steps take longer than writing does, so the figure is the hand-over cost, not
 * the wait of a full queue.
 *
 * <p>Prints {@code RESULT writer=<json|tensorboard> us_per_write_on_training_thread=<x>}, the
 * median over the timed writes.
 */
@Command(
        name = "writers",
        mixinStandardHelpOptions = true,
        description = "Training-thread cost of one write() of the json and tensorboard writers.")
final class WritersBenchmark implements Callable<Integer> {

    @Option(
            names = "--writers",
            split = ",",
            description = "writers to measure (default: json,tensorboard)")
    List<String> writers = List.of("json", "tensorboard");

    @Option(
            names = "--scalars",
            description = "scalars put every iteration (default: ${DEFAULT-VALUE})")
    int scalars = 10;

    @Option(
            names = "--period",
            description = "iterations between writes (default: ${DEFAULT-VALUE})")
    int period = 20;

    @Option(names = "--writes", description = "timed writes (default: ${DEFAULT-VALUE})")
    int writes = 3000;

    @Option(names = "--warmup", description = "untimed writes first (default: ${DEFAULT-VALUE})")
    int warmup = 500;

    @Override
    public Integer call() throws Exception {
        for (String name : writers) {
            Path dir = Files.createTempDirectory("kiln-bench-writers-");
            try {
                double us = measure(name, dir);
                System.out.printf(
                        Locale.ROOT,
                        "RESULT writer=%s us_per_write_on_training_thread=%.2f%n",
                        name,
                        us);
            } finally {
                deleteTree(dir);
            }
        }
        return 0;
    }

    private double measure(String name, Path dir) {
        EventWriter writer;
        Runnable drain;
        switch (name) {
            case "json" -> {
                writer = new JsonWriter(dir);
                drain = () -> {};
            }
            case "tensorboard" -> {
                TensorBoardWriter tb = new TensorBoardWriter(dir, TensorBoardOptions.defaults());
                writer = tb;
                drain = tb::flush;
            }
            default ->
                    throw new IllegalArgumentException(
                            "unknown writer '" + name + "': json or tensorboard");
        }
        EventStorage storage = new EventStorage();
        String[] names = new String[scalars];
        for (int i = 0; i < scalars; i++) {
            names[i] =
                    i == 0 ? "total_loss" : i == 1 ? "lr" : i == 2 ? "eta_seconds" : "metric_" + i;
        }
        Random random = new Random(0);
        long[] nanos = new long[writes];
        long iter = 0;
        try (writer) {
            for (int w = -warmup; w < writes; w++) {
                for (int s = 0; s < period; s++, iter++) {
                    storage.setIter(iter);
                    for (int i = 0; i < scalars; i++) {
                        storage.putScalar(names[i], random.nextDouble(), i != 1 && i != 2);
                    }
                }
                long t0 = System.nanoTime();
                writer.write(storage);
                long t1 = System.nanoTime();
                drain.run();
                if (w >= 0) {
                    nanos[w] = t1 - t0;
                }
            }
        }
        Arrays.sort(nanos);
        return nanos[nanos.length / 2] / 1000.0;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
