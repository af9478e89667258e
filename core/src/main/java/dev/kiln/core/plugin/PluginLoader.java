package dev.kiln.core.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Finds the plugins in plugin folders and makes one {@link PluginClassLoader} per plugin.
 *
 * <p>A plugin folder ({@code plugins/} of the distribution, each {@code --plugins DIR}) holds
 * jars, or folders of jars: every {@code *.jar} directly inside is a plugin of its own, every
 * sub-folder is one plugin made of all the jars in it (a plugin with its private dependencies).
 * Anything else is an error, so a misplaced file is noticed rather than silently ignored; only
 * hidden entries (names starting with a dot) are skipped. Plugins are ordered by file name.
 */
public final class PluginLoader {

    private static final String LAYOUT = "plugins/ holds jars, or folders of jars";

    private final ClassLoader parent;

    /**
     * @param parent the loader that serves Kiln and the packages shared with plugins
     */
    public PluginLoader(ClassLoader parent) {
        this.parent = Objects.requireNonNull(parent, "parent");
    }

    /**
     * Checks every plugin folder and makes the plugins' class loaders; nothing is created when a
     * folder is wrong. A folder given twice is read once.
     *
     * @param defaultDir the distribution's {@code plugins/} folder; it may not exist, or be null
     * @param pluginDirs the folders given with {@code --plugins}; each must exist
     * @return one loader per plugin, the default folder's first; the caller closes them
     * @throws PluginException if a folder is missing or holds something that is not a plugin
     */
    public List<PluginClassLoader> load(Path defaultDir, List<Path> pluginDirs) {
        List<Plugin> plugins = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        if (defaultDir != null && Files.exists(defaultDir)) {
            scan(defaultDir, defaultDir.toString(), seen, plugins);
        }
        for (Path dir : pluginDirs) {
            if (!Files.exists(dir)) {
                throw new PluginException("--plugins " + dir + ": no such folder");
            }
            scan(dir, "--plugins " + dir, seen, plugins);
        }
        List<PluginClassLoader> loaders = new ArrayList<>();
        for (Plugin p : plugins) {
            loaders.add(new PluginClassLoader(p.location(), p.jars(), parent));
        }
        return List.copyOf(loaders);
    }

    /** One plugin before its loader exists. */
    private record Plugin(Path location, List<Path> jars) {}

    private static void scan(Path dir, String shownAs, Set<Path> seen, List<Plugin> plugins) {
        if (!Files.isDirectory(dir)) {
            throw new PluginException(shownAs + " is not a folder (" + LAYOUT + ")");
        }
        if (!seen.add(realPath(dir))) {
            return;
        }
        for (Path entry : entries(dir)) {
            if (Files.isDirectory(entry)) {
                List<Path> jars = folderJars(entry);
                if (!jars.isEmpty()) {
                    plugins.add(new Plugin(entry, jars));
                }
            } else if (isJarName(entry) && Files.isRegularFile(entry)) {
                checkJar(entry);
                plugins.add(new Plugin(entry, List.of(entry)));
            } else {
                throw new PluginException(entry + " is not a jar (" + LAYOUT + ")");
            }
        }
    }

    private static List<Path> folderJars(Path folder) {
        List<Path> jars = new ArrayList<>();
        for (Path entry : entries(folder)) {
            if (Files.isDirectory(entry)) {
                throw new PluginException(
                        entry + " is a folder inside a plugin folder (" + LAYOUT + ")");
            }
            if (!isJarName(entry) || !Files.isRegularFile(entry)) {
                throw new PluginException(entry + " is not a jar (" + LAYOUT + ")");
            }
            checkJar(entry);
            jars.add(entry);
        }
        return jars;
    }

    private static List<Path> entries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new PluginException(
                    "cannot read plugin folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isJarName(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar");
    }

    private static void checkJar(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.size();
        } catch (ZipException e) {
            throw new PluginException(jar + " is not a valid jar (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new PluginException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }
}
