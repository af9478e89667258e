package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * @param outputDir the run directory
     * @param engine the engine
     * @param settings further arguments: overrides ({@code key=value}) and options
     * @return the arguments of {@code kiln train} of the quickstart config on the engine into the
     *     run directory, then the settings
     */
    static List<String> trainQuickstart(Path outputDir, String engine, String... settings) {
        List<String> command = new ArrayList<>();
        command.add("train");
        command.add("--config");
        command.add(quickstartConfig().toString());
        command.add("--engine");
        command.add(engine);
        command.add("--output-dir");
        command.add(outputDir.toString());
        command.addAll(List.of(settings));
        return command;
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
