package dev.kiln.cli;

import dev.kiln.core.run.KilnRun;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code kiln config}: the resolved, validated config, as {@code train} would use it. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Print the resolved, validated config.")
final class ConfigCommand implements Callable<Integer> {

    @Mixin RunOptions options = new RunOptions();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        try (KilnRun run = options.load()) {
            spec.commandLine().getOut().print(run.config().render());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
