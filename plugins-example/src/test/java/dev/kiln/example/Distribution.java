package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The built distribution ({@code cli/target/kiln}) and the built plugin jar, as failsafe passes
 * them ({@code kiln.dist}, {@code kiln.plugin.jar}, {@code kiln.repo}): makes fresh copies of the
 * distribution's layout with or without the plugin in {@code plugins/}, and runs a copy's {@code
 * bin/kiln} as a subprocess, as a user would. A copy links to the built distribution's
 * {@code lib/} jars rather than copying the engines' natives; {@link #close()} removes the links.
 */
final class Distribution implements AutoCloseable {

    /** Longer than any run here takes; a run that hangs fails instead of blocking the build. */
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    private final Path home;
    private final boolean copy;

    private Distribution(Path home, boolean copy) {
        this.home = home;
        this.copy = copy;
    }

    /** @return the built distribution itself, to run with {@code --plugins} */
    static Distribution built() {
        Path dist = Path.of(property("kiln.dist")).toAbsolutePath().normalize();
        assertThat(dist.resolve("bin/kiln"))
                .as("the distribution must be built first (mvn install -DskipTests)")
                .isExecutable();
        return new Distribution(dist, false);
    }

    /** @return the plugin jar this module built */
    static Path pluginJar() {
        Path jar = Path.of(property("kiln.plugin.jar")).toAbsolutePath().normalize();
        assertThat(jar).as("the plugin jar (mvn package)").isRegularFile();
        return jar;
    }

    /** @return the repository's root */
    static Path repo() {
        return Path.of(property("kiln.repo")).toAbsolutePath().normalize();
    }

    /**
     * Lays out a fresh distribution: a copy of {@code bin/kiln}, {@code lib/} linking to the
     * built distribution's jars, and {@code plugins/} with copies of its plugin jars, plus this
     * module's jar when asked.
     *
     * @param target an absent or empty folder
     * @param withPlugin whether to drop the example plugin's jar into {@code plugins/}
     * @return the fresh distribution
     */
    static Distribution freshCopy(Path target, boolean withPlugin) {
        Path source = built().home;
        try {
            Files.createDirectories(target.resolve("bin"));
            Files.copy(
                    source.resolve("bin/kiln"),
                    target.resolve("bin/kiln"),
                    StandardCopyOption.COPY_ATTRIBUTES);
            Path lib = Files.createDirectories(target.resolve("lib"));
            for (Path jar : list(source.resolve("lib"))) {
                Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar);
            }
            Path plugins = Files.createDirectories(target.resolve("plugins"));
            for (Path jar : list(source.resolve("plugins"))) {
                if (jar.getFileName().toString().endsWith(".jar")) {
                    Files.copy(jar, plugins.resolve(jar.getFileName()));
                }
            }
            if (withPlugin) {
                Files.copy(pluginJar(), plugins.resolve(pluginJar().getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out a distribution in " + target, e);
        }
        return new Distribution(target, true);
    }

    /**
     * Removes a fresh copy's links to the built distribution's jars (never the jars), so the
     * temporary folder holding the copy deletes cleanly; does nothing for the built one.
     */
    @Override
    public void close() {
        if (!copy) {
            return;
        }
        try {
            for (Path link : list(home.resolve("lib"))) {
                if (Files.isSymbolicLink(link)) {
                    Files.delete(link);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the links in " + home.resolve("lib"), e);
        }
    }

    /** @return the distribution's root */
    Path home() {
        return home;
    }

    /**
     * Runs {@code bin/kiln} and waits for it.
     *
     * @param workDir the process's working directory
     * @param args the command line after {@code kiln}
     * @return exit code and output, as the test kit's {@link KilnCommand} captures them
     */
    KilnCommand.Result run(Path workDir, List<String> args) {
        return KilnCommand.run(home, workDir, TIMEOUT, args);
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value)
                .as("system property %s (set by failsafe in plugins-example/pom.xml)", name)
                .isNotBlank();
        return value;
    }
}
