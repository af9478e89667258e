package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/**
 * The repository's files the command's tests train on; failsafe passes its root as the system
 * property {@code kiln.repo} (and the distribution as {@code kiln.dist}, which {@link
 * dev.kiln.testkit.KilnCommand} runs).
 */
final class Repository {

    private Repository() {}

    /** @return the repository's root */
    static Path root() {
        String value = System.getProperty("kiln.repo");
        assertThat(value)
                .as("system property kiln.repo (set by failsafe in cli/pom.xml)")
                .isNotBlank();
        return Path.of(value).toAbsolutePath().normalize();
    }

    /** @return the quickstart's config, {@code examples/digits/digits-mlp.conf} */
    static Path quickstartConfig() {
        return root().resolve("examples/digits/digits-mlp.conf");
    }

    /** @return the digits data, {@code examples/digits/digits.csv.gz} */
    static Path digits() {
        return root().resolve("examples/digits/digits.csv.gz");
    }

    /** @return the override that points the quickstart at the digits data by absolute path */
    static String digitsOverride() {
        return "kiln.data.train.path=\"" + digits() + "\"";
    }
}
