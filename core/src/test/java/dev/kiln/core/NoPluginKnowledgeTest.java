package dev.kiln.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Neither kiln-api nor core knows a first-party plugin: no source of theirs names a plugin's jar,
 * one of its extensions, or one of its config sections. Each plugin declares its own keys and
 * defaults in its reference.conf.
 */
class NoPluginKnowledgeTest {

    /** The first-party plugins' jars, extension names (as names) and sections. */
    private static final Pattern PLUGIN_NAMES =
            Pattern.compile(
                    "kiln-hooks-|kiln-writers-|kiln-plugins-example"
                            + "|kiln\\.(checkpoint|best-checkpoint|lr-schedule|lr-scheduler|eval"
                            + "|early-stopping|json|tensorboard|hello|csv|rmsprop|residual-mlp"
                            + "|synthetic-blobs)\\b"
                            + "|\\{@code (checkpoint|best-checkpoint|lr-scheduler|eval"
                            + "|early-stopping|json|tensorboard|hello|rmsprop)}"
                            + "|\"(checkpoint|best-checkpoint|lr-scheduler|eval|early-stopping|json"
                            + "|tensorboard|hello|rmsprop|accuracy|per-class|regression|cosine"
                            + "|residual-mlp|synthetic-blobs)\"");

    @Test
    void noSourceOfTheApiOrCoreNamesAFirstPartyPlugin() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../api/src/main/java"))) {
            assertThat(root).isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (PLUGIN_NAMES.matcher(lines.get(i)).find()) {
                            found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }
}
