package dev.kiln.tensors;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headers that the fuzz test found read wrongly: each is now refused with one clear message. */
class SafeTensorsHeaderTest {

    @TempDir Path tmp;

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
    void aShapeWhoseElementCountOverflowsIsNotAnEmptyArray() throws IOException {
        // 2^62 x 4 elements overflow to 0, which once matched the 0 bytes of data_offsets [0, 0].
        Path file =
                raw(
                        "{\"e\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],"
                                + "\"data_offsets\":[0,0]}}",
                        0);
        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("e has too many elements: [4611686018427387904, 4]");
    }

    @Test
    void aDimensionOrOffsetMustBeAWholeJsonNumber() throws IOException {
        Path fraction = raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[2.5],\"data_offsets\":[0,2]}}", 2);
        assertThatThrownBy(() -> SafeTensors.check(fraction))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining("w has the shape [2.5]: 2.5 is not a whole number");
        Path text = raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[\"0\",2]}}", 2);
        assertThatThrownBy(() -> SafeTensors.read(text))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining(
                        "w has the data_offsets [\"0\",2]: \"0\" is not a whole number");
        Path three = raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2,2]}}", 2);
        assertThatThrownBy(() -> SafeTensors.read(three))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining("not an array of 2 whole numbers");
    }

    @Test
    void metadataMustBeStringsForEveryReader() throws IOException {
        Path file =
                raw(
                        "{\"__metadata__\":{\"producer\":{}},"
                                + "\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}",
                        1);
        for (Runnable reader :
                new Runnable[] {
                    () -> SafeTensors.read(file),
                    () -> SafeTensors.check(file),
                    () -> SafeTensors.metadata(file)
                }) {
            assertThatThrownBy(reader::run)
                    .isInstanceOf(TensorFileException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("__metadata__ holds producer = {}, not a string");
        }
    }

    @Test
    void theMetadataOfAFileTooShortForAHeaderIsRefusedByName() throws IOException {
        Path file = tmp.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafeTensors.metadata(file))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining(file + " is not a valid safetensors file: it has 3 bytes");
    }
}
