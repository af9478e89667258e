package dev.kiln.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Module;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.core.events.ConsoleWriter;
import dev.kiln.events.EventWriter;
import dev.kiln.fixtures.ListedOnlyHook;
import dev.kiln.fixtures.TestWriter;
import dev.kiln.spi.ExtensionPoint;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.testkit.PluginJars;
import dev.kiln.train.Hook;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionRegistryTest {

    private static final List<ExtensionPoint<?>> POINTS =
            List.of(ExtensionPoints.HOOK, ExtensionPoints.WRITER);

    @TempDir Path tmp;

    private final List<PluginClassLoader> opened = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (PluginClassLoader l : opened) {
            l.close();
        }
    }

    /** A hook that counts its instances, so a test can tell that discovery created none. */
    static String countingHook(String pkg, String cls, String name) {
        return """
        package %s;
        @dev.kiln.spi.KilnExtension(name = "%s", description = "says hello")
        public class %s implements dev.kiln.train.Hook {
            public static int created;
            public %s() { created++; }
        }
        """
                .formatted(pkg, name, cls, cls);
    }

    private Path plugins() {
        return tmp.resolve("plugins");
    }

    private ExtensionRegistry discover() {
        List<PluginClassLoader> loaders =
                new PluginLoader(getClass().getClassLoader()).load(plugins(), List.of());
        opened.addAll(loaders);
        return ExtensionRegistry.discover(POINTS, getClass().getClassLoader(), loaders);
    }

    private void helloPlugin(String jar, String pkg, String cls) {
        PluginJars.jar(jar)
                .java(countingHook(pkg, cls, "hello"))
                .service(Hook.class, pkg + "." + cls)
                .writeTo(plugins());
    }

    @Test
    void findsBuiltInAndPluginExtensionsWithoutCreatingThem() throws Exception {
        helloPlugin("my-plugin.jar", "com.acme", "Hello");

        ExtensionRegistry registry = discover();

        ExtensionInfo hello = registry.find(ExtensionPoints.HOOK, "hello").orElseThrow();
        assertThat(hello.kind()).isEqualTo("hook");
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.description()).isEqualTo("says hello");
        assertThat(hello.source()).isEqualTo("my-plugin.jar");
        assertThat(hello.implementation().getName()).isEqualTo("com.acme.Hello");
        assertThat(hello.implementation().getClassLoader()).isInstanceOf(PluginClassLoader.class);
        assertThat(hello.origin()).isEqualTo("my-plugin.jar (com.acme.Hello)");

        ExtensionInfo builtin = registry.find(ExtensionPoints.HOOK, "listed-only").orElseThrow();
        assertThat(builtin.implementation()).isSameAs(ListedOnlyHook.class);
        assertThat(builtin.source()).isEqualTo(ClassSource.describe(ListedOnlyHook.class));
        assertThat(builtin.description()).isEqualTo("a built-in hook that is only listed");

        ExtensionInfo writer = registry.find(ExtensionPoints.WRITER, "test-writer").orElseThrow();
        assertThat(writer.kind()).isEqualTo("writer");
        assertThat(writer.implementation()).isSameAs(TestWriter.class);

        assertThat(ListedOnlyHook.CREATED).hasValue(0);
        assertThat(hello.implementation().getField("created").getInt(null)).isZero();
    }

    @Test
    void listsAllByKindThenNameAndNamesPerKind() {
        helloPlugin("my-plugin.jar", "com.acme", "Hello");
        PluginJars.jar("writers.jar")
                .java(
                        """
                        package com.acme;
                        @dev.kiln.spi.KilnExtension(name = "hello", description = "a writer")
                        public class HelloWriter implements dev.kiln.events.EventWriter {
                            @Override public void write(dev.kiln.events.EventStorage s) {}
                        }
                        """)
                .service(EventWriter.class, "com.acme.HelloWriter")
                .writeTo(plugins());

        ExtensionRegistry registry = discover();

        assertThat(registry.all())
                .extracting(i -> i.kind() + ":" + i.name())
                .containsExactly(
                        "hook:configured",
                        "hook:failing",
                        "hook:hello",
                        "hook:listed-only",
                        "writer:console",
                        "writer:hello",
                        "writer:test-writer");
        assertThat(registry.names(ExtensionPoints.HOOK))
                .containsExactly("configured", "failing", "hello", "listed-only");
        // console is core's own writer
        assertThat(registry.names(ExtensionPoints.WRITER))
                .containsExactly("console", "hello", "test-writer");
        assertThat(registry.all(ExtensionPoints.WRITER))
                .extracting(ExtensionInfo::source)
                .containsExactly(
                        ClassSource.describe(ConsoleWriter.class),
                        "writers.jar",
                        ClassSource.describe(TestWriter.class));
    }

    @Test
    void twoExtensionsOfOneKindWithOneNameAreAnErrorNamingBothJars() {
        helloPlugin("kiln-plugins-example-0.1.0.jar", "dev.kiln.example", "HelloHook");
        helloPlugin("my-plugin.jar", "com.acme", "Hello");

        assertThatThrownBy(this::discover)
                .isInstanceOf(PluginException.class)
                .hasMessage(
                        "two hooks are named \"hello\": kiln-plugins-example-0.1.0.jar"
                                + " (dev.kiln.example.HelloHook) and my-plugin.jar (com.acme.Hello)");
    }

    @Test
    void aPluginTakingABuiltInsNameIsAnError() {
        PluginJars.jar("my-plugin.jar")
                .java(countingHook("com.acme", "Copy", "listed-only"))
                .service(Hook.class, "com.acme.Copy")
                .writeTo(plugins());

        assertThatThrownBy(this::discover)
                .isInstanceOf(PluginException.class)
                .hasMessage(
                        "two hooks are named \"listed-only\": "
                                + ClassSource.describe(ListedOnlyHook.class)
                                + " (dev.kiln.fixtures.ListedOnlyHook) and my-plugin.jar"
                                + " (com.acme.Copy)");
    }

    @Test
    void aClassThePluginFindsInItsParentCountsOnceAsBuiltIn() {
        PluginJars.jar("my-plugin.jar")
                .service(Hook.class, ListedOnlyHook.class.getName())
                .writeTo(plugins());

        ExtensionRegistry registry = discover();

        assertThat(registry.require(ExtensionPoints.HOOK, "listed-only").source())
                .isEqualTo(ClassSource.describe(ListedOnlyHook.class));
    }

    @Test
    void aClassWithoutKilnExtensionIsAnErrorNamingClassAndJar() {
        PluginJars.jar("my-plugin.jar")
                .java(
                        """
                        package com.acme;
                        public class Plain implements dev.kiln.train.Hook {}
                        """)
                .service(Hook.class, "com.acme.Plain")
                .writeTo(plugins());

        assertThatThrownBy(this::discover)
                .isInstanceOf(PluginException.class)
                .hasMessage(
                        "my-plugin.jar (com.acme.Plain) has no @KilnExtension(name = ...);"
                                + " every hook needs a name");
    }

    @Test
    void aNameThatIsNotKebabCaseIsAnError() {
        PluginJars.jar("my-plugin.jar")
                .java(countingHook("com.acme", "Hello", "Hello World"))
                .service(Hook.class, "com.acme.Hello")
                .writeTo(plugins());

        assertThatThrownBy(this::discover)
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith("my-plugin.jar (com.acme.Hello) is named \"Hello World\"");
    }

    @Test
    void aListedClassOfTheWrongKindIsAnError() {
        PluginJars.jar("my-plugin.jar")
                .java(countingHook("com.acme", "Hello", "hello"))
                .service(EventWriter.class, "com.acme.Hello")
                .writeTo(plugins());

        assertThatThrownBy(this::discover)
                .isInstanceOf(PluginException.class)
                .hasMessage(
                        "my-plugin.jar (com.acme.Hello) is listed in"
                                + " META-INF/services/dev.kiln.events.EventWriter but is not a"
                                + " dev.kiln.events.EventWriter");
    }

    @Test
    void aListedClassThatIsMissingIsAnError() {
        PluginJars.jar("my-plugin.jar").service(Hook.class, "com.acme.Gone").writeTo(plugins());

        assertThatThrownBy(this::discover)
                .isInstanceOf(PluginException.class)
                .hasMessage(
                        "my-plugin.jar lists com.acme.Gone in"
                                + " META-INF/services/dev.kiln.train.Hook, but has no such class");
    }

    @Test
    void requireNamesTheKnownExtensionsOfAnUnknownName() {
        ExtensionRegistry registry = discover();

        assertThat(registry.require(ExtensionPoints.HOOK, "configured").name())
                .isEqualTo("configured");
        assertThatThrownBy(() -> registry.require(ExtensionPoints.HOOK, "helo"))
                .isInstanceOf(PluginException.class)
                .hasMessage(
                        "unknown hook \"helo\" (known hooks: configured, failing, listed-only)");
        assertThat(registry.find(ExtensionPoints.HOOK, "helo")).isEmpty();
    }

    @Test
    void aPluginsReferenceConfIsFoundThroughTheReferenceLoaders() {
        PluginJars.jar("my-plugin.jar")
                .java(countingHook("com.acme", "Hello", "hello"))
                .service(Hook.class, "com.acme.Hello")
                .resource("reference.conf", "kiln.hello { period = 10, greeting = hi }")
                .writeTo(plugins());

        ExtensionRegistry registry = discover();

        assertThat(registry.referenceLoaders()).hasSize(2);
        assertThat(registry.referenceLoaders().get(0)).isSameAs(getClass().getClassLoader());
        Config reference = ConfigFactory.empty();
        for (ClassLoader loader : registry.referenceLoaders()) {
            reference =
                    reference.withFallback(
                            ConfigFactory.parseResourcesAnySyntax(loader, "reference.conf"));
        }
        assertThat(reference.getInt("kiln.hello.period")).isEqualTo(10);
        assertThat(reference.getString("kiln.hello.greeting")).isEqualTo("hi");
    }

    @Test
    void pluginModulesAreCreatedOnlyWhenAskedFor() throws Exception {
        PluginJars.jar("my-plugin.jar")
                .java(
                        """
                        package com.acme;
                        public class AcmeModule extends com.google.inject.AbstractModule {
                            public static int created;
                            public AcmeModule() { created++; }
                        }
                        """)
                .service(Module.class, "com.acme.AcmeModule")
                .writeTo(plugins());

        ExtensionRegistry registry = discover();
        PluginClassLoader plugin = opened.get(0);
        Class<?> moduleType = plugin.loadClass("com.acme.AcmeModule");
        assertThat(moduleType.getField("created").getInt(null)).isZero();

        List<Module> modules = registry.pluginModules();

        assertThat(modules).hasSize(1);
        assertThat(modules.get(0).getClass()).isSameAs(moduleType);
        assertThat(registry.pluginModules()).isSameAs(modules);
        assertThat(moduleType.getField("created").getInt(null)).isEqualTo(1);
    }
}
