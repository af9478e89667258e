package dev.kiln.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.testkit.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {

    @TempDir Path tmp;

    private final List<PluginClassLoader> opened = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (PluginClassLoader l : opened) {
            l.close();
        }
    }

    private List<PluginClassLoader> load(Path defaultDir, Path... pluginDirs) {
        List<PluginClassLoader> loaders =
                new PluginLoader(getClass().getClassLoader()).load(defaultDir, List.of(pluginDirs));
        opened.addAll(loaders);
        return loaders;
    }

    @Test
    void eachJarIsAPluginAndEachFolderOneMore() {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("b.jar").resource("b.txt", "b").writeTo(plugins);
        PluginJars.jar("a.jar").resource("a.txt", "a").writeTo(plugins);
        PluginJars.jar("x.jar").resource("x.txt", "x").writeTo(plugins.resolve("acme"));
        PluginJars.jar("y.jar").resource("y.txt", "y").writeTo(plugins.resolve("acme"));

        List<PluginClassLoader> loaders = load(plugins);

        assertThat(loaders)
                .extracting(l -> l.location().getFileName().toString())
                .containsExactly("a.jar", "acme", "b.jar");
        PluginClassLoader folder = loaders.get(1);
        assertThat(folder.jars())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("x.jar", "y.jar");
        assertThat(folder.getName()).isEqualTo("acme");
        assertThat(folder.getParent()).isSameAs(getClass().getClassLoader());
    }

    @Test
    void theDefaultFolderMayBeAbsent() {
        assertThat(load(tmp.resolve("plugins"))).isEmpty();
    }

    @Test
    void aMissingPluginsFolderIsAnError() {
        Path missing = tmp.resolve("nowhere");
        assertThatThrownBy(() -> load(tmp.resolve("plugins"), missing))
                .isInstanceOf(PluginException.class)
                .hasMessage("--plugins " + missing + ": no such folder");
    }

    @Test
    void pluginsFromDefaultAndExtraFoldersAreAllLoadedAndAFolderGivenTwiceOnce() {
        Path plugins = tmp.resolve("plugins");
        Path extra = tmp.resolve("extra");
        PluginJars.jar("a.jar").resource("a.txt", "a").writeTo(plugins);
        PluginJars.jar("b.jar").resource("b.txt", "b").writeTo(extra);

        assertThat(load(plugins, extra, plugins))
                .extracting(l -> l.location().getFileName().toString())
                .containsExactly("a.jar", "b.jar");
    }

    @Test
    void aFileThatIsNotAJarIsAnError() {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("a.jar").resource("a.txt", "a").writeTo(plugins);
        PluginJars.textFile(plugins.resolve("notes.txt"), "remember");

        assertThatThrownBy(() -> load(plugins))
                .isInstanceOf(PluginException.class)
                .hasMessage(
                        plugins.resolve("notes.txt")
                                + " is not a jar (plugins/ holds jars, or folders of jars)");
    }

    @Test
    void aZipIsNotAJarEither() {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("a.zip").resource("a.txt", "a").writeTo(plugins);

        assertThatThrownBy(() -> load(plugins))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith(plugins.resolve("a.zip") + " is not a jar");
    }

    @Test
    void aCorruptJarIsAnErrorNamingIt() {
        Path plugins = tmp.resolve("plugins");
        Path broken = PluginJars.corruptJar(plugins, "broken.jar");

        assertThatThrownBy(() -> load(plugins))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith(broken + " is not a valid jar")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aCorruptJarInAPluginFolderIsAnErrorNamingIt() {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("good.jar").resource("a.txt", "a").writeTo(plugins.resolve("acme"));
        Path broken = PluginJars.corruptJar(plugins.resolve("acme"), "lib.jar");

        assertThatThrownBy(() -> load(tmp.resolve("absent"), plugins))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith(broken + " is not a valid jar");
    }

    @Test
    void aPluginFolderHoldsOnlyJars() throws IOException {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("a.jar").resource("a.txt", "a").writeTo(plugins.resolve("acme"));
        Files.createDirectories(plugins.resolve("acme").resolve("lib"));

        assertThatThrownBy(() -> load(plugins))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith(
                        plugins.resolve("acme").resolve("lib")
                                + " is a folder inside a plugin folder");
    }

    @Test
    void hiddenFilesAreSkipped() {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("a.jar").resource("a.txt", "a").writeTo(plugins);
        PluginJars.textFile(plugins.resolve(".DS_Store"), "");

        assertThat(load(plugins)).hasSize(1);
    }

    @Test
    void aPluginsPathThatIsAFileIsAnError() {
        Path file = PluginJars.textFile(tmp.resolve("plugins.txt"), "");

        assertThatThrownBy(() -> load(tmp.resolve("absent"), file))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith("--plugins " + file + " is not a folder");
    }
}
