package dev.kiln.cli;

import dev.kiln.core.plugin.ExtensionInfo;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.plugin.PluginClassLoader;
import dev.kiln.core.plugin.PluginException;
import dev.kiln.core.plugin.PluginLoader;
import dev.kiln.spi.ExtensionPoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kiln plugins}: every extension found, with its kind, name, jar and description; then
 * every plugin jar loaded, with its SHA-256 and path. Plugin jars are code that runs with Kiln's
 * rights, trusted as Kiln itself is (see docs/security.md): the digests let a user check that the
 * jars are the ones they meant to install.
 */
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        description = {
            "List every extension found: kind, name, jar, description;",
            "then every plugin jar loaded, with its SHA-256 and path.",
            "Plugin jars are code run with Kiln's rights: install only jars you trust."
        })
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
        out.println();
        out.printf("%-64s  %s%n", "SHA-256", "PLUGIN JAR");
        for (PluginClassLoader loader : loaders) {
            for (Path jar : loader.jars()) {
                out.printf("%-64s  %s%n", sha256(jar), jar.toAbsolutePath().normalize());
            }
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

    /** @return the file's SHA-256 in lower-case hex */
    private static String sha256(Path file) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT, "cannot read the plugin jar " + file + ": " + e, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
