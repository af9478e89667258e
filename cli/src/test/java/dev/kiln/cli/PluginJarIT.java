package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.KilnCommand;
import dev.kiln.testkit.PluginJars;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A third-party hook in a jar of its own, given with {@code --plugins DIR}: listed, selected with
 * {@code kiln.hooks += greeter}, created by Guice with its config section and the trainer's view,
 * configured by its own {@code reference.conf} and by overrides.
 */
class PluginJarIT {

    private static final String GREETER =
            """
            package com.example.greeter;

            import com.typesafe.config.Config;
            import dev.kiln.spi.KilnExtension;
            import dev.kiln.train.Hook;
            import dev.kiln.train.TrainerView;
            import jakarta.inject.Inject;
            import org.slf4j.Logger;
            import org.slf4j.LoggerFactory;

            @KilnExtension(name = "greeter", description = "greets every few iterations")
            public final class Greeter implements Hook {

                private static final Logger LOG = LoggerFactory.getLogger(Greeter.class);

                private final TrainerView trainer;
                private final int period;

                @Inject
                public Greeter(Config section, TrainerView trainer) {
                    this.period = section.getInt("period");
                    this.trainer = trainer;
                }

                @Override
                public void afterStep() {
                    long iter = trainer.iter();
                    if ((iter + 1) % period == 0) {
                        LOG.info("greet at iteration {}", iter);
                    }
                }
            }
            """;

    @TempDir Path tmp;

    private Path plugins;

    @BeforeEach
    void buildThePlugin() {
        plugins = tmp.resolve("my-plugins");
        PluginJars.jar("greeter-plugin.jar")
                .java(GREETER)
                .service("dev.kiln.train.Hook", "com.example.greeter.Greeter")
                .resource("reference.conf", "kiln.greeter { period = 5 }\n")
                .writeTo(plugins);
    }

    private KilnCommand.Result train(Path outputDir, String... args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--config",
                                Repository.quickstartConfig().toString(),
                                "--output-dir",
                                outputDir.toString(),
                                Repository.digitsOverride(),
                                "kiln.hooks+=greeter",
                                "kiln.solver.max-iter=10"));
        command.addAll(List.of(args));
        return KilnCommand.run(tmp, command);
    }

    @Test
    void pluginsListsTheHookWithItsJar() {
        KilnCommand.Result result =
                KilnCommand.run(tmp, "plugins", "--plugins", plugins.toString());

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout().lines())
                .filteredOn(l -> l.startsWith("hook ") && l.contains(" greeter "))
                .singleElement()
                .satisfies(
                        row ->
                                assertThat(row.split("\\s+", 4))
                                        .containsExactly(
                                                "hook",
                                                "greeter",
                                                "greeter-plugin.jar",
                                                "greets every few iterations"));
        // the built-ins are still listed beside it
        assertThat(result.stdout()).contains("mlp").contains("sgd");
    }

    @Test
    void trainRunsTheHookWithThePeriodOfItsReferenceConf() {
        Path run = tmp.resolve("run");

        KilnCommand.Result result = train(run, "--plugins", plugins.toString());

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(greetings(result.stdout())).containsExactly(4L, 9L);
        assertThat(run.resolve(RunDirectory.CONFIG_FILE)).content().containsPattern("period ?= ?5");
    }

    @Test
    void anOverrideChangesTheHooksPeriod() {
        KilnCommand.Result result =
                train(tmp.resolve("run"), "--plugins", plugins.toString(), "kiln.greeter.period=3");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(greetings(result.stdout())).containsExactly(2L, 5L, 8L);
    }

    @Test
    void withoutPluginsTheHookIsUnknown() {
        Path run = tmp.resolve("run");

        KilnCommand.Result result = train(run);

        assertThat(result.assertBadInput(run)).contains("unknown hook \"greeter\"");
    }

    /** A greeter that reads its period with the settings helper, which checks the value. */
    private static final String STRICT_GREETER =
            """
            package com.example.strict;

            import com.typesafe.config.Config;
            import dev.kiln.spi.KilnExtension;
            import dev.kiln.spi.Settings;
            import dev.kiln.train.Hook;
            import jakarta.inject.Inject;

            @KilnExtension(name = "greeter", description = "greets, strictly")
            public final class StrictGreeter implements Hook {

                private final int period;

                @Inject
                public StrictGreeter(Config section) {
                    this.period = Settings.of(section, "kiln.greeter").intAtLeast("period", 1);
                }
            }
            """;

    @ParameterizedTest(name = "--engine {0}")
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aBadSettingRejectedByTheHooksConstructorIsOneConfigError(String engine) {
        Path strict = tmp.resolve("strict-plugins");
        PluginJars.jar("strict-greeter.jar")
                .java(STRICT_GREETER)
                .service("dev.kiln.train.Hook", "com.example.strict.StrictGreeter")
                .resource("reference.conf", "kiln.greeter { period = 5 }\n")
                .writeTo(strict);
        Path conf =
                PluginJars.textFile(
                        tmp.resolve("greeter.conf"), "kiln {\n  greeter.period = 0\n}\n");
        Path run = tmp.resolve("run");

        KilnCommand.Result inAFile =
                train(
                        run,
                        "--plugins",
                        strict.toString(),
                        "--config",
                        conf.toString(),
                        "--engine",
                        engine);
        KilnCommand.Result onTheCommandLine =
                train(run, "--plugins", strict.toString(), "kiln.greeter.period=-3");

        assertThat(inAFile.assertBadInput(run))
                .isEqualTo(
                        "kiln: invalid config:\n"
                                + conf
                                + ":2: kiln.greeter.period: must be a whole number at least 1 but is 0\n");
        assertThat(onTheCommandLine.assertBadInput(run))
                .isEqualTo(
                        "kiln: invalid config:\n"
                                + "command line override 4: kiln.greeter.period: must be a whole number"
                                + " at least 1 but is -3\n");
    }

    /** @return the iterations the greeter greeted at, in order */
    private static List<Long> greetings(String output) {
        String marker = "greet at iteration ";
        return output.lines()
                .filter(l -> l.contains(marker))
                .map(l -> Long.parseLong(l.substring(l.indexOf(marker) + marker.length()).strip()))
                .toList();
    }
}
