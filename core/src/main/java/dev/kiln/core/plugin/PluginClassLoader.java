package dev.kiln.core.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * The class loader of one plugin: one jar, or every jar of one folder in {@code plugins/}.
 *
 * <p>Classes of the packages Kiln shares with its plugins (kiln-api's {@link #API_PACKAGES}, and
 * {@link #SHARED_PACKAGES}: DJL, Guice, jakarta.inject, Typesafe Config, SLF4J and the JDK) are
 * looked up parent-first, so a
 * plugin and Kiln agree on {@code Hook}, {@code NDArray} or {@code Config}; a plugin jar that
 * bundles its own copy of one of them is ignored for those classes. A class of a shared package
 * that the parent does not have (a plugin's own {@code dev.kiln.example.HelloHook}) still comes
 * from the plugin's jars.
 *
 * <p>Classes of Kiln's core ({@value #CORE_PACKAGE}*) are not found at all: a plugin that was
 * compiled against more than kiln-api fails as soon as it touches one, naming the class.
 *
 * <p>Every other class is looked up child-first: the JDK's platform classes, then the plugin's
 * jars, then the parent. A plugin's own dependencies (Guava, Jackson, Gson, …) therefore stay
 * private to it, and two plugins may bundle different versions of one library. Gson is
 * deliberately not shared: no Kiln API exposes a Gson type, and a plugin that does not bundle Gson
 * still finds Kiln's through the parent.
 *
 * <p>Resources follow the same rule: the plugin's {@code reference.conf} and {@code
 * META-INF/services/…} files come first from {@link #getResource} and {@link #getResources},
 * followed by the parent's.
 */
public final class PluginClassLoader extends URLClassLoader {

    /**
     * The packages of kiln-api, exactly: what a plugin compiles against and shares with Kiln.
     * (Kept equal to the packages of the kiln-api jar by a test.)
     */
    public static final List<String> API_PACKAGES =
            List.of(
                    "dev.kiln.collective",
                    "dev.kiln.data",
                    "dev.kiln.data.image",
                    "dev.kiln.evaluation",
                    "dev.kiln.events",
                    "dev.kiln.loss",
                    "dev.kiln.model",
                    "dev.kiln.optim",
                    "dev.kiln.predict",
                    "dev.kiln.runtime",
                    "dev.kiln.schedule",
                    "dev.kiln.spi",
                    "dev.kiln.tensors",
                    "dev.kiln.train");

    /**
     * Package prefixes looked up parent-first besides {@link #API_PACKAGES}: the libraries the API
     * exposes, and the JDK. {@code org.aopalliance.} belongs to Guice's interceptor API.
     */
    public static final List<String> SHARED_PACKAGES =
            List.of(
                    "ai.djl.",
                    "com.google.inject.",
                    "org.aopalliance.",
                    "jakarta.inject.",
                    "com.typesafe.config.",
                    "org.slf4j.",
                    "java.",
                    "javax.");

    /** Kiln's own implementation, which a plugin cannot see: it compiles against kiln-api only. */
    public static final String CORE_PACKAGE = "dev.kiln.core.";

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final Path location;
    private final List<Path> jars;
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    /**
     * @param location the plugin: a jar, or a folder of jars
     * @param jars the jars to load from: the jar itself, or the folder's jars
     * @param parent the loader that serves Kiln and the shared packages
     */
    public PluginClassLoader(Path location, List<Path> jars, ClassLoader parent) {
        super(
                location.getFileName().toString(),
                toUrls(jars),
                Objects.requireNonNull(parent, "parent"));
        this.location = location;
        this.jars = List.copyOf(jars);
    }

    /** @return the plugin: a jar, or a folder of jars */
    public Path location() {
        return location;
    }

    /** @return the jars this loader loads from */
    public List<Path> jars() {
        return jars;
    }

    /**
     * @param className a binary class name
     * @return whether the class belongs to a package shared with Kiln (looked up parent-first)
     */
    public static boolean isShared(String className) {
        int lastDot = className.lastIndexOf('.');
        if (lastDot > 0 && API_PACKAGES.contains(className.substring(0, lastDot))) {
            return true;
        }
        for (String prefix : SHARED_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (name.startsWith(CORE_PACKAGE)) {
                    throw new ClassNotFoundException(
                            name
                                    + " is part of Kiln's core, which plugins cannot use: a plugin"
                                    + " compiles against kiln-api only");
                }
                c = isShared(name) ? parentFirst(name) : childFirst(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private Class<?> parentFirst(String name) throws ClassNotFoundException {
        try {
            return getParent().loadClass(name);
        } catch (ClassNotFoundException notInParent) {
            return findClass(name);
        }
    }

    private Class<?> childFirst(String name) throws ClassNotFoundException {
        try {
            return platform.loadClass(name);
        } catch (ClassNotFoundException notInJdk) {
            // a library class: the plugin's own copy wins
        }
        try {
            return findClass(name);
        } catch (ClassNotFoundException notInPlugin) {
            return getParent().loadClass(name);
        }
    }

    @Override
    public URL getResource(String name) {
        URL first;
        URL second;
        if (isSharedResource(name)) {
            first = getParent().getResource(name);
            second = first == null ? findResource(name) : null;
        } else {
            first = findResource(name);
            second = first == null ? getParent().getResource(name) : null;
        }
        return first != null ? first : second;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> urls = new ArrayList<>();
        if (isSharedResource(name)) {
            urls.addAll(Collections.list(getParent().getResources(name)));
            urls.addAll(Collections.list(findResources(name)));
        } else {
            urls.addAll(Collections.list(findResources(name)));
            urls.addAll(Collections.list(getParent().getResources(name)));
        }
        return Collections.enumeration(urls);
    }

    /**
     * @param name a resource name
     * @return the resource's copies in this plugin's own jars only, never the parent's
     * @throws IOException if a jar cannot be read
     */
    Enumeration<URL> ownResources(String name) throws IOException {
        return findResources(name);
    }

    /** @return whether the plugin is one jar rather than a folder of jars */
    boolean isSingleJar() {
        return jars.size() == 1 && jars.get(0).equals(location);
    }

    /**
     * @param type a class this loader defined
     * @return the plugin jar's file name, or {@code folder/jar} for a folder plugin
     */
    String sourceOf(Class<?> type) {
        String plugin = location.getFileName().toString();
        if (isSingleJar()) {
            return plugin;
        }
        Path jar = ClassSource.location(type);
        return jar == null ? plugin : plugin + "/" + jar.getFileName();
    }

    private static boolean isSharedResource(String name) {
        return isShared(name.replace('/', '.'));
    }

    private static URL[] toUrls(List<Path> jars) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(e);
            }
        }
        return urls;
    }

    @Override
    public String toString() {
        return "PluginClassLoader[" + location + (isSingleJar() ? "" : "/") + "]";
    }
}
