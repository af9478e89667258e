package dev.kiln.tensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer, without any engine. */
class SafeTensorsTest {

    @TempDir Path tmp;

    private Path write(Map<String, TensorData> tensors) throws IOException {
        Path file = tmp.resolve("t.safetensors");
        Files.deleteIfExists(file);
        try (FileChannel out =
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafeTensors.write(tensors, Map.of("producer", "kiln"), out);
        }
        return file;
    }

    private Path raw(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b =
                ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path file = tmp.resolve("raw.safetensors");
        Files.write(file, b.array());
        return file;
    }

    @Test
    void roundTripsTypesShapesAndScalars() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("w", new TensorData(DataType.FLOAT32, new Shape(2, 3), new byte[24]));
        byte[] step = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(7).array();
        tensors.put("w.step", new TensorData(DataType.INT64, new Shape(), step));
        tensors.put("empty", new TensorData(DataType.FLOAT32, new Shape(0), new byte[0]));
        tensors.get("w").data()[5] = 42;
        Path file = write(tensors);
        Map<String, TensorData> back = SafeTensors.read(file);
        assertThat(back.keySet()).containsExactly("w", "w.step", "empty");
        assertThat(back.get("w").data()).isEqualTo(tensors.get("w").data());
        assertThat(back.get("w.step").dataType()).isEqualTo(DataType.INT64);
        assertThat(back.get("w.step").shape()).isEqualTo(new Shape());
        assertThat(back.get("w.step").data()).isEqualTo(step);
        assertThat(SafeTensors.metadata(file)).containsEntry("producer", "kiln");
    }

    @Test
    void rejectsWhatDoesNotFitTheFile() throws IOException {
        assertThatThrownBy(() -> SafeTensors.read(raw("{}", 0).resolveSibling("missing")))
                .isInstanceOf(TensorFileException.class);
        Path tooLong = tmp.resolve("long.safetensors");
        Files.write(
                tooLong,
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertThatThrownBy(() -> SafeTensors.read(tooLong))
                .hasMessageContaining("header length 1000 does not fit");
        assertThatThrownBy(
                        () ->
                                SafeTensors.read(
                                        raw(
                                                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                                                4)))
                .hasMessageContaining("a has data_offsets [0,8]");
        assertThatThrownBy(
                        () ->
                                SafeTensors.read(
                                        raw(
                                                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                                                8)))
                .hasMessageContaining("overlap or leave a gap at a");
        assertThatThrownBy(
                        () ->
                                SafeTensors.read(
                                        raw(
                                                "{\"a\":{\"dtype\":\"X9\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                                                4)))
                .hasMessageContaining("unknown dtype");
        assertThatThrownBy(() -> SafeTensors.read(raw("[1, 2]", 0)))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> SafeTensors.read(raw("{\"a\": 3}", 0)))
                .hasMessageContaining("a has a malformed entry");
        assertThatThrownBy(
                        () ->
                                SafeTensors.read(
                                        raw(
                                                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                                                12)))
                .hasMessageContaining("cover 4 bytes but the file holds 12");
    }
}
