package dev.kiln.core.plugin;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;

/** Where a class was loaded from, as listings and messages show it. */
final class ClassSource {

    /** What a class from a folder on the class path (or of unknown origin) shows. */
    static final String CLASS_PATH = "class path";

    private ClassSource() {}

    /**
     * @param type any class
     * @return the plugin jar's file name ({@code folder/jar} for a folder plugin), the file name of
     *     the class-path jar it came from, or {@code class path}
     */
    static String describe(Class<?> type) {
        if (type.getClassLoader() instanceof PluginClassLoader plugin) {
            return plugin.sourceOf(type);
        }
        Path location = location(type);
        if (location != null && Files.isRegularFile(location)) {
            return location.getFileName().toString();
        }
        return CLASS_PATH;
    }

    /**
     * @param resource a resource, e.g. a service file
     * @param loader the loader it was found through
     * @return the jar that holds it, named like {@link #describe(Class)} names a class's jar
     */
    static String describe(URL resource, ClassLoader loader) {
        String jar = jarFileName(resource);
        if (loader instanceof PluginClassLoader plugin && !plugin.isSingleJar()) {
            String folder = plugin.location().getFileName().toString();
            return jar == null ? folder : folder + "/" + jar;
        }
        if (loader instanceof PluginClassLoader plugin) {
            return plugin.location().getFileName().toString();
        }
        return jar == null ? CLASS_PATH : jar;
    }

    private static String jarFileName(URL resource) {
        String spec = resource.toString();
        int bang = spec.indexOf("!/");
        if (!"jar".equals(resource.getProtocol()) || bang < 0) {
            return null;
        }
        try {
            Path jar = Path.of(new URI(spec.substring("jar:".length(), bang)));
            return jar.getFileName().toString();
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return null;
        }
    }

    /**
     * @param type any class
     * @return the jar or folder the class was loaded from, or null when unknown
     */
    static Path location(Class<?> type) {
        ProtectionDomain domain = type.getProtectionDomain();
        CodeSource cs = domain == null ? null : domain.getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(cs.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return null;
        }
    }
}
