package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution loads the json and tensorboard writers from their jars in {@code plugins/}
 * (each in its own class loader, protobuf bundled in the tensorboard jar) and a run writes both
 * files.
 */
class WriterPluginsIT {

    @TempDir Path tmp;

    @Test
    void aRunWithTheWriterPluginsWritesMetricsJsonAndAnEventFile() throws Exception {
        Path out = tmp.resolve("run");
        KilnCommand.Result result =
                KilnCommand.run(
                        Repository.root(),
                        "train",
                        "--config",
                        Repository.quickstartConfig().toString(),
                        "--output-dir",
                        out.toString(),
                        "kiln.solver.max-iter=30",
                        "kiln.writer-period=10",
                        "kiln.writers=[console, json, tensorboard]");
        assertThat(result.exitCode()).as(result.describe()).isZero();

        List<String> lines = Files.readAllLines(out.resolve("metrics.json"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).startsWith("{").contains("\"iteration\":29");

        Path events;
        try (Stream<Path> files = Files.list(out)) {
            events =
                    files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents."))
                            .findFirst()
                            .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(events);
        long firstLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(firstLength).isBetween(1L, 64L);
        String first = new String(bytes, 12, (int) firstLength, StandardCharsets.ISO_8859_1);
        assertThat(first).contains("brain.Event:2");
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                .contains(
                        "total_loss", "_hparams_/session_start_info", "_hparams_/session_end_info");
    }
}
