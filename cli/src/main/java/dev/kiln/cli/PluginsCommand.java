package dev.kiln.cli;

import dev.kiln.core.plugin.ExtensionInfo;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.plugin.PluginClassLoader;
import dev.kiln.core.plugin.PluginException;
import dev.kiln.core.plugin.PluginLoader;
import dev.kiln.spi.ExtensionPoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln plugins}: every extension found, with its kind, name, jar and description. */
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        description = "List every extension found: kind, name, jar, description.")
final class PluginsCommand implements Callable<Integer> {

    @Mixin PluginOptions plugins = new PluginOptions();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        ClassLoader builtins = PluginsCommand.class.getClassLoader();
        List<PluginClassLoader> loaders;
        ExtensionRegistry registry;
        try {
            loaders = new PluginLoader(builtins).load(PluginOptions.defaultDir(), plugins.dirs);
            registry = ExtensionRegistry.discover(ExtensionPoints.all(), builtins, loaders);
        } catch (PluginException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<ExtensionInfo> all = registry.all();
        int nameWidth = Math.max(4, all.stream().mapToInt(i -> i.name().length()).max().orElse(0));
        int sourceWidth =
                Math.max(3, all.stream().mapToInt(i -> i.source().length()).max().orElse(0));
        String row = "%-9s  %-" + nameWidth + "s  %-" + sourceWidth + "s  %s%n";
        out.printf(row, "KIND", "NAME", "JAR", "DESCRIPTION");
        for (ExtensionInfo info : all) {
            out.printf(row, info.kind(), info.name(), info.source(), info.description());
        }
        out.flush();
        for (PluginClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                // Listing is done; nothing depends on the loader any more.
            }
        }
        return 0;
    }
}
