package dev.kiln.cli;

import dev.kiln.core.run.KilnRun;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kiln config}: the resolved, validated config, as {@code train} would use it, then where each
 * entry of {@code kiln.hooks} and {@code kiln.writers} came from (a jar's default or the user's file
 * and line), as comments.
 */
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
            PrintWriter out = spec.commandLine().getOut();
            out.print(run.config().render());
            out.println();
            out.println("# Where the extension lists' entries come from:");
            for (String list : List.of("kiln.hooks", "kiln.writers")) {
                out.println("# " + list + ":");
                for (Map.Entry<String, String> entry : run.config().listSources(list)) {
                    out.println("#   " + entry.getKey() + "  (" + entry.getValue() + ")");
                }
            }
            out.flush();
        }
        return 0;
    }
}
