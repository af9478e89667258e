package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.spi.ExtensionPoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} has a table for every transform listing exactly the keys its
 * provider accepts besides {@code type}. The keys are written without backticks, so the check of
 * {@code reference.conf} keys (plugins-example's {@code ConfigurationDoc}) does not read them.
 */
class TransformDocTest {

    private static final String SECTION = "### Image transforms (`kiln-data-images`)";
    private static final Pattern HEADING = Pattern.compile("^#### `([a-z-]+)`$");
    private static final Pattern ROW = Pattern.compile("^\\| ([a-z][a-z-]*) \\|(.*)\\|(.*)\\|$");

    @Test
    void everyTransformIsDocumentedWithExactlyItsKeys() throws IOException {
        Map<String, Set<String>> accepted = new TreeMap<>();
        accepted.put("resize", ResizeProvider.KEYS);
        accepted.put("center-crop", CenterCropProvider.KEYS);
        accepted.put("random-crop", RandomCropProvider.KEYS);
        accepted.put("random-resized-crop", RandomResizedCropProvider.KEYS);
        accepted.put("random-flip", RandomFlipProvider.KEYS);
        accepted.put("normalize", NormalizeProvider.KEYS);
        assertThat(accepted.keySet())
                .isEqualTo(MapExtensions.ofPlugin().names(ExtensionPoints.TRANSFORM));

        Map<String, Set<String>> documented = documented();

        Map<String, Set<String>> expected = new LinkedHashMap<>();
        accepted.forEach(
                (name, keys) -> {
                    Set<String> own = new TreeSet<>(keys);
                    own.remove("type");
                    expected.put(name, own);
                });
        assertThat(documented).isEqualTo(expected);
    }

    /** The keys of each {@code #### `name`} table of the section, by transform name. */
    private static Map<String, Set<String>> documented() throws IOException {
        List<String> lines =
                Files.readAllLines(Path.of("..", "docs", "configuration.md").toAbsolutePath());
        int start = lines.indexOf(SECTION);
        assertThat(start).as("the section %s", SECTION).isNotNegative();
        Map<String, Set<String>> documented = new TreeMap<>();
        String current = null;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ") || line.startsWith("### ")) {
                break;
            }
            Matcher heading = HEADING.matcher(line);
            Matcher row = ROW.matcher(line);
            if (heading.matches()) {
                current = heading.group(1);
                documented.put(current, new TreeSet<>());
            } else if (row.matches() && current != null && !row.group(1).equals("key")) {
                assertThat(row.group(3).strip()).as("the meaning of %s", row.group(1)).isNotEmpty();
                documented.get(current).add(row.group(1));
            }
        }
        return documented;
    }
}
