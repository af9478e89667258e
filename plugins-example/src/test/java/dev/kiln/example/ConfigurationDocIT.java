package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} documents every key, with its default, of every {@code
 * reference.conf} in the built distribution ({@code lib/} and the first-party plugins in {@code
 * plugins/}) and in this plugin's jar, and documents no key that none of them declares.
 */
class ConfigurationDocIT {

    @Test
    void theDocumentMatchesEveryReferenceConfOfTheDistribution() throws IOException {
        Path home = Distribution.built().home();
        List<Path> jars = new ArrayList<>();
        for (String dir : List.of("lib", "plugins")) {
            try (Stream<Path> files = Files.list(home.resolve(dir))) {
                files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(jars::add);
            }
        }
        jars.add(Distribution.pluginJar());
        List<ReferenceKeys.Key> keys = new ArrayList<>();
        jars.forEach(jar -> keys.addAll(ReferenceKeys.inJar(jar)));

        assertThat(keys)
                .extracting(ReferenceKeys.Key::source)
                .anyMatch(s -> s.startsWith("kiln-core"));
        ConfigurationDoc doc =
                ConfigurationDoc.read(Distribution.repo().resolve("docs/configuration.md"));
        doc.assertDocuments(keys);
        doc.assertDocumentsNothingElse(keys);
    }
}
