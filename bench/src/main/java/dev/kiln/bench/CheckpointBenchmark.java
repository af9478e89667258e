package dev.kiln.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.kiln.checkpoint.BackgroundWriter;
import dev.kiln.checkpoint.Checkpointer;
import dev.kiln.checkpoint.Snapshot;
import dev.kiln.core.optim.Sgd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code checkpoint}: the cost of saving a checkpoint of a model of about 100 MB (two Linear
 * layers, 2048-4096-4096, SGD without momentum, one step taken): a synchronous save (snapshot,
 * write, fsync, rename), the time an async save holds the training thread (the copy to the heap
 * and the hand-off), and a plain sequential write of the same number of bytes (FileChannel write
 * and force) in the same directory, in the same run. Each figure is the median of the rounds.
 * Prints {@code RESULT op=checkpoint-save size_mb=<n> sync_ms=<x> async_step_stall_ms=<y>
 * disk_mb_per_s=<z>} (MB = 10^6 bytes).
 */
@Command(
        name = "checkpoint",
        mixinStandardHelpOptions = true,
        description = "Checkpoint save time, async stall and raw disk speed for a ~100 MB model.")
final class CheckpointBenchmark implements Callable<Integer> {

    @Option(names = "--engine", description = "engine (default: ${DEFAULT-VALUE})")
    String engine = "PyTorch";

    @Option(names = "--rounds", description = "measured rounds of each (default: ${DEFAULT-VALUE})")
    int rounds = 5;

    @Option(
            names = "--dir",
            description =
                    "scratch directory on the disk to measure; removed after (default: ${DEFAULT-VALUE})")
    Path dir = Path.of("bench/target/checkpoint-bench");

    @Override
    public Integer call() throws Exception {
        FileTrees.delete(dir);
        Files.createDirectories(dir);
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                Sgd sgd = Sgd.builder().learningRate(0.01f).build()) {
            SequentialBlock model =
                    new SequentialBlock()
                            .add(Linear.builder().setUnits(4096).build())
                            .add(Linear.builder().setUnits(4096).build());
            model.initialize(manager, DataType.FLOAT32, new Shape(8, 2048));
            try (NDManager step = manager.newSubManager();
                    GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray x = step.randomUniform(-1, 1, new Shape(8, 2048));
                NDList out = model.forward(new ParameterStore(step, false), new NDList(x), true);
                collector.backward(out.singletonOrThrow().mean());
            }
            sgd.step(model.getParameters());

            Checkpointer checkpointer =
                    Checkpointer.builder(dir, model).optimizer(sgd).manager(manager).build();
            Map<String, Object> state = Map.of("iteration", 1L);
            checkpointer.save("warmup", state);
            long bytes = treeBytes(dir.resolve("warmup"));
            checkpointer.delete("warmup");

            double[] sync = new double[rounds];
            double[] stall = new double[rounds];
            double[] disk = new double[rounds];
            try (BackgroundWriter writer = new BackgroundWriter(checkpointer)) {
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    checkpointer.save("sync", state);
                    sync[r] = (System.nanoTime() - t0) / 1e6;
                    checkpointer.delete("sync");

                    t0 = System.nanoTime();
                    Snapshot snapshot = checkpointer.snapshot(state);
                    writer.submit("async", snapshot, () -> {});
                    stall[r] = (System.nanoTime() - t0) / 1e6;
                    writer.await();
                    checkpointer.delete("async");

                    disk[r] = plainWrite(dir.resolve("plain.bin"), bytes);
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "RESULT op=checkpoint-save size_mb=%.1f sync_ms=%.1f async_step_stall_ms=%.1f"
                            + " disk_mb_per_s=%.1f%n",
                    bytes / 1e6,
                    median(sync),
                    median(stall),
                    median(disk));
        } finally {
            FileTrees.delete(dir);
        }
        return 0;
    }

    /** Writes {@code bytes} bytes sequentially, forces them to disk; returns MB/s. */
    private static double plainWrite(Path file, long bytes) throws IOException {
        Files.deleteIfExists(file);
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        long t0 = System.nanoTime();
        try (FileChannel out =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long left = bytes;
            while (left > 0) {
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), left));
                left -= out.write(chunk);
            }
            out.force(true);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Files.delete(file);
        return bytes / 1e6 / seconds;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static long treeBytes(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            long total = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            }
            return total;
        }
    }
}
