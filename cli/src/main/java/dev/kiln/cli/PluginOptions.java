package dev.kiln.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where plugins come from: the distribution's {@code plugins/} and each {@code --plugins DIR}. */
final class PluginOptions {

    @Option(
            names = "--plugins",
            paramLabel = "DIR",
            description = "a further folder of plugin jars; repeatable")
    List<Path> dirs = new ArrayList<>();

    /** @return {@code plugins/} next to the distribution's {@code lib/}, or null outside one */
    static Path defaultDir() {
        String home = System.getProperty("kiln.home");
        return home == null ? null : Path.of(home, "plugins");
    }
}
