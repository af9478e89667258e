package dev.kiln.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Manifests and states that the fuzz test found read wrongly: each is now refused with one clear
 * message naming the checkpoint.
 */
class CheckpointDamageTest {

    @TempDir Path tmp;

    private Path checkpoint(String manifest) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model_0000001"));
        Files.writeString(dir.resolve("trainer.json"), "{\"iteration\": 1}\n");
        Files.writeString(dir.resolve(Manifest.FILE), manifest);
        return dir;
    }

    @Test
    void filesThatAreNotAnObjectAreNotAManifest() throws IOException {
        Path dir = checkpoint("{\"format\": 1, \"files\": [1, 2]}");
        assertThatThrownBy(() -> Manifest.verify(dir))
                .isExactlyInstanceOf(CheckpointException.class) // was a ClassCastException
                .hasMessage(
                        "checkpoint "
                                + dir
                                + " is damaged: manifest.json is not a valid manifest: it has no"
                                + " object \"files\" of each file's bytes and crc32c");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dev/zero", "../model_0000001/trainer.json", "sub/x", "..", ""})
    @Timeout(value = 10, unit = TimeUnit.SECONDS) // /dev/zero, once read, never ends
    void aListedNameOutsideTheCheckpointIsRefusedBeforeAnythingIsRead(String name)
            throws IOException {
        Path dir =
                checkpoint(
                        "{\"files\": {\""
                                + name
                                + "\": {\"bytes\": 16, \"crc32c\": \"0123abcd\"}}}");
        assertThatThrownBy(() -> Manifest.verify(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(
                        "manifest.json is not a valid manifest: it lists \""
                                + name
                                + "\", which is not the name of a file in the checkpoint");
    }

    @Test
    void aNameWithAControlCharacterIsRefusedNotAnInvalidPath() throws IOException {
        Path dir =
                checkpoint(
                        "{\"files\": {\"trainer.json\\u0000\": {\"bytes\": 1, \"crc32c\": \"00000000\"}}}");
        assertThatThrownBy(() -> Manifest.verify(dir))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessageContaining("which is not the name of a file in the checkpoint");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"bytes\": \"16\", \"crc32c\": \"0123abcd\"}",
                "{\"bytes\": 1.5, \"crc32c\": \"0123abcd\"}",
                "{\"bytes\": -1, \"crc32c\": \"0123abcd\"}",
                "{\"bytes\": 16, \"crc32c\": \"-1\"}",
                "{\"bytes\": 16, \"crc32c\": 12345678}",
                "{\"bytes\": 16}",
                "[16, \"0123abcd\"]"
            })
    void anEntryMustHoldASizeAndEightHexDigits(String entry) throws IOException {
        Path dir = checkpoint("{\"files\": {\"trainer.json\": " + entry + "}}");
        assertThatThrownBy(() -> Manifest.verify(dir))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessageContaining("manifest.json is not a valid manifest: trainer.json is ")
                .hasMessageEndingWith(
                        ", not {\"bytes\": <a size>, \"crc32c\": \"<8 hex digits>\"}");
    }

    @Test
    void aHookStateThatIsNotAnObjectIsRefused() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("iteration", 4L);
        json.put("hooks", Map.of("lr", 3L)); // was a ClassCastException
        Path dir = tmp.resolve("model_0000003");
        assertThatThrownBy(() -> TrainerStates.fromJson(dir, json))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessage(
                        "checkpoint "
                                + dir
                                + " is damaged: trainer.json: the state of the hook lr is 3, not"
                                + " an object");
    }

    @Test
    void aNullInTheTrainersStateIsRefused() {
        Map<String, Object> trainer = new LinkedHashMap<>();
        trainer.put("data", null); // was a NullPointerException from Map.copyOf
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("iteration", 4L);
        json.put("trainer", trainer);
        assertThatThrownBy(() -> TrainerStates.fromJson(tmp, json))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessageEndingWith("trainer.json: trainer.data is null");
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.5, -1})
    void theIterationMustBeAWholeNumberOfAtLeastZero(double iteration) {
        Object value = iteration == -1 ? (Object) (-1L) : (Object) iteration;
        Map<String, Object> json = Map.of("iteration", value);
        assertThatThrownBy(() -> TrainerStates.fromJson(tmp, json))
                .isExactlyInstanceOf(CheckpointException.class)
                .hasMessageEndingWith(
                        "trainer.json: its iteration is "
                                + value
                                + ", not a whole number of at least 0");
        assertThat(TrainerStates.fromJson(tmp, Map.of("iteration", 0L)).iteration()).isZero();
    }
}
