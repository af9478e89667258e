package dev.kiln.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Helpers for config tests: the fixture folder and files written to a temporary folder. */
final class ConfigFixtures {

    private ConfigFixtures() {}

    /** Returns a fixture under {@code src/test/resources/config/}. */
    static Path fixture(String name) {
        URL url = ConfigFixtures.class.getResource("/config/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a file and returns its path. */
    static Path write(Path dir, String name, String text) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
