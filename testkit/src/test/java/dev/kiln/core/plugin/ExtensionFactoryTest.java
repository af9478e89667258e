package dev.kiln.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.name.Names;
import com.google.inject.util.Modules;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.events.EventWriter;
import dev.kiln.fixtures.ConfiguredHook;
import dev.kiln.fixtures.FailingHook;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.testkit.PluginJars;
import dev.kiln.train.Hook;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionFactoryTest {

    private static final Config CONFIG =
            ConfigFactory.parseString(
                            """
                            kiln {
                              max-iter = 1000
                              configured { period = 100 }
                              hello { greeting = "hi there" }
                            }
                            other = 1
                            """)
                    .resolve();

    private static final Path OUTPUT = Path.of("runs", "one");

    @TempDir Path tmp;

    private final List<PluginClassLoader> opened = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (PluginClassLoader l : opened) {
            l.close();
        }
    }

    /** What the trainer would bind: here only the output directory. */
    private static Module kiln() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(Path.class).annotatedWith(Names.named("output-dir")).toInstance(OUTPUT);
                bind(String.class).annotatedWith(Names.named("greeting")).toInstance("from kiln");
            }
        };
    }

    private ExtensionRegistry discover() {
        List<PluginClassLoader> loaders =
                new PluginLoader(getClass().getClassLoader())
                        .load(tmp.resolve("plugins"), List.of());
        opened.addAll(loaders);
        return ExtensionRegistry.discover(
                List.of(ExtensionPoints.HOOK, ExtensionPoints.WRITER),
                getClass().getClassLoader(),
                loaders);
    }

    @Test
    void injectsTheExtensionsSectionTheKilnTreeAndParentBindings() {
        ExtensionRegistry registry = discover();
        ExtensionFactory factory = new ExtensionFactory(Guice.createInjector(kiln()), CONFIG);

        Hook hook =
                factory.create(registry.require(ExtensionPoints.HOOK, "configured"), Hook.class);

        ConfiguredHook configured = (ConfiguredHook) hook;
        assertThat(configured.section.getInt("period")).isEqualTo(100);
        assertThat(configured.section.hasPath("max-iter")).isFalse();
        assertThat(configured.kiln.getInt("max-iter")).isEqualTo(1000);
        assertThat(configured.kiln.getInt("configured.period")).isEqualTo(100);
        assertThat(configured.kiln.hasPath("other")).isFalse();
        assertThat(configured.outputDir).isEqualTo(OUTPUT);
    }

    @Test
    void eachCallCreatesANewInstanceWithAnEmptySectionWhenTheConfigHasNone() {
        ExtensionRegistry registry = discover();
        ExtensionFactory factory =
                new ExtensionFactory(Guice.createInjector(kiln()), ConfigFactory.empty());
        ExtensionInfo info = registry.require(ExtensionPoints.HOOK, "configured");

        ConfiguredHook first = (ConfiguredHook) factory.create(info, Hook.class);
        ConfiguredHook second = (ConfiguredHook) factory.create(info, Hook.class);

        assertThat(first).isNotSameAs(second);
        assertThat(first.section.isEmpty()).isTrue();
        assertThat(first.kiln.isEmpty()).isTrue();
    }

    @Test
    void aMissingBindingNamesTheExtension() {
        ExtensionRegistry registry = discover();
        ExtensionFactory factory = new ExtensionFactory(Guice.createInjector(), CONFIG);
        ExtensionInfo info = registry.require(ExtensionPoints.HOOK, "configured");

        assertThatThrownBy(() -> factory.create(info, Hook.class))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith(
                        "cannot create hook \"configured\" from "
                                + ClassSource.describe(ConfiguredHook.class)
                                + " (dev.kiln.fixtures.ConfiguredHook): ")
                .hasMessageContaining("output-dir")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aFailingConstructorGivesItsFirstLine() {
        ExtensionRegistry registry = discover();
        ExtensionFactory factory = new ExtensionFactory(Guice.createInjector(), CONFIG);

        assertThatThrownBy(
                        () ->
                                factory.create(
                                        registry.require(ExtensionPoints.HOOK, "failing"),
                                        Hook.class))
                .isInstanceOf(PluginException.class)
                .hasMessage(
                        "cannot create hook \"failing\" from "
                                + ClassSource.describe(FailingHook.class)
                                + " (dev.kiln.fixtures.FailingHook): IllegalArgumentException:"
                                + " kiln.failing.period must be positive")
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSectionThatIsNotAnObjectIsAnError() {
        ExtensionRegistry registry = discover();
        ExtensionFactory factory =
                new ExtensionFactory(
                        Guice.createInjector(kiln()),
                        ConfigFactory.parseString("kiln.configured = 3"));

        assertThatThrownBy(
                        () ->
                                factory.create(
                                        registry.require(ExtensionPoints.HOOK, "configured"),
                                        Hook.class))
                .isInstanceOf(PluginException.class)
                .hasMessageStartingWith(
                        "the config of hook \"configured\" from "
                                + ClassSource.describe(ConfiguredHook.class));
    }

    @Test
    void askingForTheWrongInterfaceIsAnError() {
        ExtensionRegistry registry = discover();
        ExtensionFactory factory = new ExtensionFactory(Guice.createInjector(kiln()), CONFIG);

        assertThatThrownBy(
                        () ->
                                factory.create(
                                        registry.require(ExtensionPoints.HOOK, "configured"),
                                        EventWriter.class))
                .isInstanceOf(PluginException.class)
                .hasMessageEndingWith("is not a dev.kiln.events.EventWriter");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPluginsExtensionIsInjectedAcrossClassLoadersAndItsModuleMayOverrideABinding() {
        PluginJars.jar("hello.jar")
                .java(
                        """
                        package com.acme;

                        import com.typesafe.config.Config;
                        import jakarta.inject.Inject;
                        import jakarta.inject.Named;

                        @dev.kiln.spi.KilnExtension(name = "hello", description = "greets")
                        public class Hello implements dev.kiln.train.Hook,
                                java.util.function.Supplier<String> {
                            private final String text;

                            @Inject
                            public Hello(Config section, @Named("kiln") Config kiln,
                                    @Named("greeting") String greeting) {
                                text = section.getString("greeting") + " " + greeting
                                        + " " + kiln.getInt("max-iter");
                            }

                            @Override public String get() { return text; }
                        }
                        """)
                .java(
                        """
                        package com.acme;

                        import com.google.inject.AbstractModule;
                        import com.google.inject.name.Names;

                        public class HelloModule extends AbstractModule {
                            @Override protected void configure() {
                                bind(String.class).annotatedWith(Names.named("greeting"))
                                        .toInstance("from acme");
                            }
                        }
                        """)
                .service(Hook.class, "com.acme.Hello")
                .service(Module.class, "com.acme.HelloModule")
                .writeTo(tmp.resolve("plugins"));
        ExtensionRegistry registry = discover();
        ExtensionInfo hello = registry.require(ExtensionPoints.HOOK, "hello");

        Injector plain = Guice.createInjector(kiln());
        Injector overridden =
                Guice.createInjector(Modules.override(kiln()).with(registry.pluginModules()));

        assertThat(
                        ((Supplier<String>)
                                        new ExtensionFactory(plain, CONFIG)
                                                .create(hello, Hook.class))
                                .get())
                .isEqualTo("hi there from kiln 1000");
        assertThat(
                        ((Supplier<String>)
                                        new ExtensionFactory(overridden, CONFIG)
                                                .create(hello, Hook.class))
                                .get())
                .isEqualTo("hi there from acme 1000");
        assertThat(overridden.getInstance(Key.get(String.class, Names.named("greeting"))))
                .isEqualTo("from acme");
    }
}
