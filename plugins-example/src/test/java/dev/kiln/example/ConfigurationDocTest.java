package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} documents every key of every {@code reference.conf} on this
 * module's class path (core's and this plugin's) with its default. {@code ConfigurationDocIT}
 * checks the same for every jar of the built distribution.
 */
class ConfigurationDocTest {

    static Path docFile() {
        return Path.of("..", "docs", "configuration.md").toAbsolutePath().normalize();
    }

    @Test
    void everyKeyOnTheClassPathIsDocumentedWithItsDefault() {
        List<ReferenceKeys.Key> keys =
                ReferenceKeys.onClassPath(ConfigurationDocTest.class.getClassLoader());

        assertThat(keys)
                .extracting(ReferenceKeys.Key::path)
                .as("core's and the plugin's keys are both found")
                .contains("kiln.solver.base-lr", "kiln.hello.period", "kiln-open-sections");
        ConfigurationDoc.read(docFile()).assertDocuments(keys);
    }

    @Test
    void aMissingKeyOrAWrongDefaultIsCaught() {
        ConfigurationDoc doc = ConfigurationDoc.read(docFile());
        List<ReferenceKeys.Key> invented =
                List.of(
                        new ReferenceKeys.Key("kiln.no-such-key", "1", "test"),
                        new ReferenceKeys.Key("kiln.hello.period", "7", "test"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> doc.assertDocuments(invented))
                .hasMessageContaining("kiln.no-such-key (from test) has no row")
                .hasMessageContaining("kiln.hello.period")
                .hasMessageContaining("but test has 7");
    }
}
