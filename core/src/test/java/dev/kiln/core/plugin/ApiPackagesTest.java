package dev.kiln.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.spi.KilnExtension;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ApiPackagesTest {

    @Test
    void theSharedKilnPackagesAreExactlyThoseOfTheApiJar() throws Exception {
        assertThat(new TreeSet<>(PluginClassLoader.API_PACKAGES)).isEqualTo(apiPackages());
    }

    @Test
    void apiClassesAreSharedAndCoreClassesAreHiddenFromPlugins() throws Exception {
        assertThat(PluginClassLoader.isShared("dev.kiln.train.Hook")).isTrue();
        assertThat(PluginClassLoader.isShared("dev.kiln.example.HelloHook")).isFalse();
        assertThat(PluginClassLoader.isShared("dev.kiln.core.run.DefaultTrainer")).isFalse();
        try (PluginClassLoader loader =
                new PluginClassLoader(
                        Path.of("none.jar"), List.of(), getClass().getClassLoader())) {
            assertThat(loader.loadClass("dev.kiln.train.Hook")).isSameAs(dev.kiln.train.Hook.class);
            assertThatThrownBy(() -> loader.loadClass("dev.kiln.core.run.DefaultTrainer"))
                    .isInstanceOf(ClassNotFoundException.class)
                    .hasMessageContaining("compiles against kiln-api only");
        }
    }

    private static Set<String> apiPackages() throws IOException, URISyntaxException {
        Path location =
                Path.of(
                        KilnExtension.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        if (Files.isDirectory(location)) {
            return packagesUnder(location);
        }
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            return packagesUnder(jar.getPath("/"));
        }
    }

    private static Set<String> packagesUnder(Path root) throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> root.relativize(f.getParent()).toString().replace('/', '.'))
                    .filter(p -> p.startsWith("dev.kiln"))
                    .forEach(packages::add);
        }
        return packages;
    }
}
