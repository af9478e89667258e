package dev.kiln.checkpoint;

import static dev.kiln.checkpoint.TestRuns.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.spi.SettingsException;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import dev.kiln.tensors.TensorFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kiln.weights} is checked while the run is built, before anything is trained or written: a
 * missing file, a file that is not safetensors, a bad header or a damaged checkpoint each stop the
 * run with one message naming where {@code kiln.weights} was set, the file and what is wrong.
 */
class WeightsCheckTest {

    @TempDir Path tmp;

    private Path safetensors(String name) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("w", new TensorData(DataType.FLOAT32, new Shape(2, 2), new byte[16]));
        tensors.put("b", new TensorData(DataType.FLOAT32, new Shape(2), new byte[8]));
        Path file = tmp.resolve(name);
        try (FileChannel out =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafeTensors.write(tensors, Map.of(), out);
        }
        return file;
    }

    private Path headerOnly(String name, String header) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json);
        return Files.write(tmp.resolve(name), bytes.array());
    }

    @Test
    void aWellFormedFileGivesItsShapesWithoutLoadingIt() throws IOException {
        Path file = safetensors("good.safetensors");

        assertThat(SafeTensors.check(file))
                .containsExactly(Map.entry("w", new Shape(2, 2)), Map.entry("b", new Shape(2)));
        assertThatCode(() -> Checkpointer.checkWeights(file)).doesNotThrowAnyException();
    }

    @Test
    void eachProblemNamesTheFileAndWhatIsWrong() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.safetensors"), "these are my notes\n");
        Path badJson = headerOnly("bad-json.safetensors", "{\"w\": [");
        Path good = safetensors("truncated.safetensors");
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(good, Arrays.copyOf(bytes, bytes.length - 4));
        Path missing = tmp.resolve("nope.safetensors");

        assertThatThrownBy(() -> Checkpointer.checkWeights(text))
                .isInstanceOf(TensorFileException.class)
                .hasMessage(
                        text
                                + " is not a valid safetensors file: it begins with text (\"these"
                                + " ar\"), not with the 8-byte header length of a safetensors"
                                + " file");
        assertThatThrownBy(() -> Checkpointer.checkWeights(badJson))
                .isInstanceOf(TensorFileException.class)
                .hasMessageStartingWith(
                        badJson + " is not a valid safetensors file: the header is not valid JSON");
        assertThatThrownBy(() -> Checkpointer.checkWeights(truncated))
                .isInstanceOf(TensorFileException.class)
                .hasMessageStartingWith(truncated + " is not a valid safetensors file: ")
                .hasMessageContaining("(truncated?)");
        assertThatThrownBy(() -> Checkpointer.checkWeights(missing))
                .isInstanceOf(TensorFileException.class)
                .hasMessage(
                        missing
                                + " does not exist: expected a checkpoint directory or a"
                                + " .safetensors file");
    }

    @Test
    void aDamagedCheckpointIsFoundByItsManifest() throws Exception {
        Path dir = tmp.resolve("trained");
        try (KilnRun run = run(dir, "kiln.hooks=[checkpoint]", "kiln.solver.max-iter=2");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }
        Path checkpoint = dir.resolve("model_final");
        assertThatCode(() -> Checkpointer.checkWeights(checkpoint)).doesNotThrowAnyException();
        Path model = checkpoint.resolve(Checkpointer.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 1] ^= 1;
        Files.write(model, bytes);

        assertThatThrownBy(() -> Checkpointer.checkWeights(checkpoint))
                .isInstanceOf(TensorFileException.class)
                .hasMessageStartingWith(
                        "checkpoint "
                                + checkpoint
                                + " is damaged: model.safetensors does not"
                                + " match its checksum");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void badWeightsStopTheRunWhileItIsBuilt(String engine) throws Exception {
        Path text =
                Files.writeString(tmp.resolve("notes-" + engine + ".txt"), "not weights at all");
        Path dir = tmp.resolve("run-" + engine);

        for (String hooks : new String[] {"kiln.hooks=[checkpoint]", "kiln.hooks=[]"}) {
            try (KilnRun run =
                            run(
                                    dir,
                                    "kiln.engine=" + engine,
                                    hooks,
                                    "kiln.weights=\"" + text + "\"");
                    DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
                assertThatThrownBy(trainer::setUp)
                        .as(hooks)
                        .isInstanceOf(SettingsException.class)
                        .hasMessage(
                                "command line override 6: kiln.weights: "
                                        + text
                                        + " is not a valid safetensors file: it begins with text"
                                        + " (\"not weig\"), not with the 8-byte header length of a"
                                        + " safetensors file");
            }
            assertThat(dir).as("nothing written").doesNotExist();
        }
    }

    @Test
    void weightsAreNotCheckedWhenResumingARunThatHasCheckpoints() throws Exception {
        Path dir = tmp.resolve("resumed");
        try (KilnRun run = run(dir, "kiln.hooks=[checkpoint]", "kiln.solver.max-iter=2");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
        }
        String gone = "kiln.weights=\"" + tmp.resolve("gone.safetensors") + "\"";

        try (KilnRun run =
                        run(
                                dir,
                                "kiln.hooks=[checkpoint]",
                                "kiln.solver.max-iter=4",
                                gone,
                                "kiln.resume=true");
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();
            assertThat(trainer.trainer().startIter()).isEqualTo(2);
        }
    }
}
