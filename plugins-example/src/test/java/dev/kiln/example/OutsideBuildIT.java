package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds this plugin the way a third party does: its folder copied out of Kiln's repository,
 * Maven run there with nothing but the Kiln BOM, kiln-api and kiln-testkit from the local
 * repository (installed by Kiln's own build, {@code mvn install}), offline. The copy's unit tests
 * of the optimizer and the hook run there on the test kit alone.
 */
class OutsideBuildIT {

    @TempDir Path tmp;

    @Test
    void thePluginBuildsAndTestsOutsideTheRepositoryWithOnlyTheBom() throws Exception {
        Path module = Path.of(property("kiln.plugin.dir")).toAbsolutePath().normalize();
        Path copy = tmp.resolve("my-plugin");
        Files.createDirectories(copy);
        Files.copy(module.resolve("pom.xml"), copy.resolve("pom.xml"));
        copyTree(module.resolve("src"), copy.resolve("src"));
        assertThat(Files.readString(copy.resolve("pom.xml"))).doesNotContain("<parent>");

        Path log = tmp.resolve("mvn.log");
        Process mvn =
                new ProcessBuilder(
                                List.of(
                                        Path.of(property("maven.home"), "bin", "mvn").toString(),
                                        "-B",
                                        "-o",
                                        "-Dstyle.color=never",
                                        "-Dmaven.repo.local=" + property("kiln.local.repo"),
                                        "-Dtest=RmsPropTest,HelloHookTest",
                                        "-Dsurefire.failIfNoSpecifiedTests=false",
                                        "package"))
                        .directory(copy.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        assertThat(mvn.waitFor(600, TimeUnit.SECONDS)).as("mvn finished").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(mvn.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("kiln-parent");

        Path jar = copy.resolve("target/kiln-plugins-example-0.1.0-SNAPSHOT.jar");
        try (JarFile built = new JarFile(jar.toFile())) {
            assertThat(built.getEntry("dev/kiln/example/RmsProp.class")).isNotNull();
            assertThat(built.getEntry("META-INF/services/dev.kiln.optim.OptimizerProvider"))
                    .isNotNull();
            assertThat(built.getEntry("dev/kiln/spi/KilnExtension.class"))
                    .as("kiln-api is provided, never packaged")
                    .isNull();
        }
        for (String test : List.of("RmsPropTest", "HelloHookTest")) {
            String report =
                    Files.readString(
                            copy.resolve(
                                    "target/surefire-reports/TEST-dev.kiln.example."
                                            + test
                                            + ".xml"));
            assertThat(report)
                    .contains("failures=\"0\"")
                    .contains("errors=\"0\"")
                    .doesNotContain("tests=\"0\"");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property " + name + " (set by failsafe)").isNotBlank();
        return value;
    }
}
