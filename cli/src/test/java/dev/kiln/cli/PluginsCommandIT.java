package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kiln.testkit.KilnCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln plugins} with only the distribution's own extensions. */
class PluginsCommandIT {

    @TempDir Path tmp;

    @Test
    void listsEveryBuiltInExtensionWithKindNameJarAndDescription() {
        KilnCommand.Result result = KilnCommand.run(tmp, "plugins");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stderr()).as(result.describe()).isEmpty();
        List<String> lines = result.stdout().lines().takeWhile(l -> !l.isBlank()).toList();
        assertThat(lines.get(0).split("\\s+"))
                .containsExactly("KIND", "NAME", "JAR", "DESCRIPTION");
        List<String[]> rows = lines.stream().skip(1).map(l -> l.split("\\s+", 4)).toList();
        // core's own extensions; every other row comes from a first-party jar in plugins/
        assertThat(rows)
                .filteredOn(r -> r[2].equals(coreJar()))
                .extracting(r -> r[0], r -> r[1], r -> r[2])
                .containsExactlyInAnyOrder(
                        tuple("writer", "console", coreJar()),
                        tuple("model", "mlp", coreJar()),
                        tuple("dataset", "csv", coreJar()),
                        tuple("input-reader", "csv", coreJar()),
                        tuple("optimizer", "sgd", coreJar()),
                        tuple("optimizer", "adam", coreJar()),
                        tuple("optimizer", "adamw", coreJar()),
                        tuple("loss", "softmax-cross-entropy", coreJar()),
                        tuple("loss", "binary-cross-entropy", coreJar()),
                        tuple("loss", "l2", coreJar()),
                        tuple("loss", "l1", coreJar()),
                        tuple("loss", "smooth-l1", coreJar()));
        assertThat(rows)
                .filteredOn(r -> !r[2].equals(coreJar()))
                .allSatisfy(
                        r ->
                                assertThat(
                                                KilnCommand.distribution()
                                                        .resolve("plugins")
                                                        .resolve(r[2]))
                                        .as(Arrays.toString(r))
                                        .isRegularFile());
        assertThat(rows)
                .allSatisfy(r -> assertThat(r).as(Arrays.toString(r)).hasSize(4))
                .allSatisfy(r -> assertThat(r[3]).as(Arrays.toString(r)).isNotBlank());
        assertThat(rows)
                .filteredOn(r -> r[1].equals("sgd"))
                .first()
                .satisfies(r -> assertThat(r[3]).contains("SGD"));
    }

    @Test
    void theRabitCollectiveIsListedFromAFolderOfItsJarAndItsRunTimeDependenciesOnly()
            throws IOException {
        KilnCommand.Result result = KilnCommand.run(tmp, "plugins");
        assertThat(result.exitCode()).as(result.describe()).isZero();
        List<String[]> rows =
                result.stdout()
                        .lines()
                        .takeWhile(l -> !l.isBlank())
                        .skip(1)
                        .map(l -> l.split("\\s+", 4))
                        .toList();
        assertThat(rows)
                .filteredOn(r -> r[0].equals("collective"))
                .extracting(r -> r[1], r -> r[2].replaceAll("-[0-9][^/]*\\.jar$", ".jar"))
                .containsExactly(tuple("rabit", "kiln-collective-rabit/kiln-collective-rabit.jar"));
        Path folder =
                KilnCommand.distribution().resolve("plugins").resolve("kiln-collective-rabit");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(
                            files.map(
                                    p ->
                                            p.getFileName()
                                                    .toString()
                                                    .replaceAll(
                                                            "-[0-9][^-]*(-SNAPSHOT)?\\.jar$", "")))
                    .containsExactlyInAnyOrder(
                            "kiln-collective-rabit",
                            "xgboost4j_2.12",
                            "jackson-databind",
                            "jackson-core",
                            "jackson-annotations",
                            "commons-logging");
        }
        try (Stream<Path> files = Files.list(KilnCommand.distribution().resolve("lib"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(
                            n ->
                                    n.startsWith("xgboost4j")
                                            || n.startsWith("jackson-")
                                            || n.startsWith("kiln-collective"));
        }
    }

    @Test
    void everyPluginJarIsListedWithItsPathAndSha256() throws Exception {
        KilnCommand.Result result = KilnCommand.run(tmp, "plugins");
        assertThat(result.exitCode()).as(result.describe()).isZero();
        List<String> section =
                result.stdout().lines().dropWhile(l -> !l.isBlank()).skip(1).toList();
        assertThat(section.get(0).split("\\s+")).containsExactly("SHA-256", "PLUGIN", "JAR");
        Map<Path, String> listed = new HashMap<>();
        for (String line : section.subList(1, section.size())) {
            String[] parts = line.split("\\s+", 2);
            listed.put(Path.of(parts[1]), parts[0]);
        }
        Path plugins = KilnCommand.distribution().resolve("plugins").toAbsolutePath().normalize();
        List<Path> jars;
        try (Stream<Path> files = Files.walk(plugins)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        assertThat(listed.keySet()).containsExactlyInAnyOrderElementsOf(jars);
        for (Path jar : jars) {
            String expected =
                    HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256")
                                            .digest(Files.readAllBytes(jar)));
            assertThat(listed.get(jar)).as(jar.toString()).isEqualTo(expected);
        }
    }

    /** @return the file name of kiln-core's jar in the distribution's lib/ */
    private static String coreJar() {
        try (Stream<Path> files = Files.list(KilnCommand.distribution().resolve("lib"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("kiln-core-") && n.endsWith(".jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no kiln-core jar in lib/"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
