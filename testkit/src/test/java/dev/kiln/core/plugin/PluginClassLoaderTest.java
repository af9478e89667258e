package dev.kiln.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.typesafe.config.ConfigFactory;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.testkit.PluginJars;
import dev.kiln.train.Hook;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins see Kiln's API from the parent and their own libraries from their own jars. */
class PluginClassLoaderTest {

    @TempDir Path tmp;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** A library class whose version differs from jar to jar. */
    static String version(String v) {
        return """
        package com.acme.lib;
        public final class Version {
            public static String get() { return "%s"; }
        }
        """
                .formatted(v);
    }

    /** A hook that reports the library version it sees, through {@code Supplier.get()}. */
    static String versionHook(String pkg, String name) {
        return """
        package %s;
        import com.acme.lib.Version;
        @dev.kiln.spi.KilnExtension(name = "%s", description = "reports its Version")
        public class VersionHook implements dev.kiln.train.Hook,
                java.util.function.Supplier<String> {
            @Override public String get() { return Version.get(); }
        }
        """
                .formatted(pkg, name);
    }

    private List<PluginClassLoader> load(ClassLoader parent, Path dir) {
        List<PluginClassLoader> loaders = new PluginLoader(parent).load(dir, List.of());
        opened.addAll(loaders);
        return loaders;
    }

    private ExtensionRegistry discover(ClassLoader builtins, List<PluginClassLoader> plugins) {
        return ExtensionRegistry.discover(List.of(ExtensionPoints.HOOK), builtins, plugins);
    }

    @SuppressWarnings("unchecked")
    private static String reportedVersion(ExtensionRegistry registry, String name) {
        ExtensionFactory factory =
                new ExtensionFactory(Guice.createInjector(), ConfigFactory.empty());
        Hook hook = factory.create(registry.require(ExtensionPoints.HOOK, name), Hook.class);
        return ((Supplier<String>) hook).get();
    }

    @Test
    void twoPluginsBundlingDifferentVersionsOfOneLibraryEachSeeTheirOwn() {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("one.jar")
                .java(version("1"))
                .java(versionHook("com.acme.one", "version-one"))
                .service(Hook.class, "com.acme.one.VersionHook")
                .writeTo(plugins);
        PluginJars.jar("two.jar")
                .java(version("2"))
                .java(versionHook("com.acme.two", "version-two"))
                .service(Hook.class, "com.acme.two.VersionHook")
                .writeTo(plugins);

        ExtensionRegistry registry =
                discover(getClass().getClassLoader(), load(getClass().getClassLoader(), plugins));

        assertThat(reportedVersion(registry, "version-one")).isEqualTo("1");
        assertThat(reportedVersion(registry, "version-two")).isEqualTo("2");
    }

    @Test
    void theApiIsSharedWithKiln() throws Exception {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("one.jar")
                .java(version("1"))
                .java(versionHook("com.acme.one", "version-one"))
                .service(Hook.class, "com.acme.one.VersionHook")
                .writeTo(plugins);
        PluginClassLoader plugin = load(getClass().getClassLoader(), plugins).get(0);

        Object hook = plugin.loadClass("com.acme.one.VersionHook").getConstructor().newInstance();

        assertThat(hook).isInstanceOf(Hook.class);
        assertThat(plugin.loadClass(Hook.class.getName())).isSameAs(Hook.class);
        assertThat(plugin.loadClass(com.google.inject.Injector.class.getName()))
                .isSameAs(com.google.inject.Injector.class);
        assertThat(plugin.loadClass(com.typesafe.config.Config.class.getName()))
                .isSameAs(com.typesafe.config.Config.class);
        assertThat(plugin.loadClass(jakarta.inject.Inject.class.getName()))
                .isSameAs(jakarta.inject.Inject.class);
        assertThat(plugin.loadClass(org.slf4j.Logger.class.getName()))
                .isSameAs(org.slf4j.Logger.class);
        assertThat(plugin.loadClass(ai.djl.ndarray.NDArray.class.getName()))
                .isSameAs(ai.djl.ndarray.NDArray.class);
    }

    @Test
    void aPluginsOwnCopyOfAnApiClassIsIgnored() throws Exception {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("shady.jar")
                .resource("dev/kiln/train/Hook.class", classBytes(Hook.class))
                .writeTo(plugins);
        PluginClassLoader plugin = load(getClass().getClassLoader(), plugins).get(0);

        assertThat(plugin.loadClass(Hook.class.getName())).isSameAs(Hook.class);
    }

    @Test
    void aPluginsOwnLibraryWinsOverTheParentsAndTheParentsIsUsedWhenItHasNone() throws IOException {
        Path libs = tmp.resolve("libs");
        Path lib0 = PluginJars.jar("lib-0.jar").java(version("0")).writeTo(libs);
        URLClassLoader parent =
                new URLClassLoader(
                        "kiln-with-lib",
                        new URL[] {lib0.toUri().toURL()},
                        getClass().getClassLoader());
        opened.add(parent);
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("bundles.jar")
                .java(version("1"))
                .java(versionHook("com.acme.one", "bundles"))
                .service(Hook.class, "com.acme.one.VersionHook")
                .writeTo(plugins);
        PluginJars.jar("borrows.jar")
                .classPath(lib0)
                .java(versionHook("com.acme.two", "borrows"))
                .service(Hook.class, "com.acme.two.VersionHook")
                .writeTo(plugins);

        ExtensionRegistry registry = discover(parent, load(parent, plugins));

        assertThat(reportedVersion(registry, "bundles")).isEqualTo("1");
        assertThat(reportedVersion(registry, "borrows")).isEqualTo("0");
    }

    @Test
    void aFolderOfJarsIsOnePlugin() {
        Path acme = tmp.resolve("plugins").resolve("acme");
        Path lib =
                PluginJars.jar("b-lib.jar")
                        .java(
                                """
                                package com.acme.util;
                                public final class Greeter {
                                    public static String greet() { return "hello from b"; }
                                }
                                """)
                        .writeTo(acme);
        PluginJars.jar("a-hook.jar")
                .classPath(lib)
                .java(
                        """
                        package com.acme;
                        @dev.kiln.spi.KilnExtension(name = "greeter")
                        public class GreeterHook implements dev.kiln.train.Hook,
                                java.util.function.Supplier<String> {
                            @Override public String get() { return com.acme.util.Greeter.greet(); }
                        }
                        """)
                .service(Hook.class, "com.acme.GreeterHook")
                .writeTo(acme);

        List<PluginClassLoader> loaders = load(getClass().getClassLoader(), acme.getParent());
        ExtensionRegistry registry = discover(getClass().getClassLoader(), loaders);

        assertThat(loaders).hasSize(1);
        assertThat(reportedVersion(registry, "greeter")).isEqualTo("hello from b");
        assertThat(registry.require(ExtensionPoints.HOOK, "greeter").source())
                .isEqualTo("acme/a-hook.jar");
    }

    @Test
    void thePluginsResourcesComeFirstThenTheParents() throws IOException {
        Path plugins = tmp.resolve("plugins");
        PluginJars.jar("one.jar")
                .resource("logback-test.xml", "<configuration/>")
                .resource("reference.conf", "kiln.one { period = 5 }")
                .writeTo(plugins);
        PluginClassLoader plugin = load(getClass().getClassLoader(), plugins).get(0);

        List<URL> logbacks = Collections.list(plugin.getResources("logback-test.xml"));
        List<URL> parents =
                Collections.list(getClass().getClassLoader().getResources("logback-test.xml"));
        assertThat(logbacks).hasSize(1 + parents.size());
        assertThat(logbacks.get(0).toString()).contains("one.jar!/");
        assertThat(logbacks.subList(1, logbacks.size())).isEqualTo(parents);
        assertThat(plugin.getResource("logback-test.xml").toString()).contains("one.jar!/");
        assertThat(Collections.list(plugin.getResources("reference.conf")).get(0).toString())
                .contains("one.jar!/");
        try (InputStream in = plugin.getResourceAsStream("reference.conf")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("period = 5");
        }
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        String path = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }
}
