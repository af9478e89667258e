package dev.kiln.collective.rabit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.typesafe.config.ConfigFactory;
import dev.kiln.collective.CollectiveProvider;
import dev.kiln.core.plugin.ExtensionFactory;
import dev.kiln.core.plugin.ExtensionInfo;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.plugin.PluginClassLoader;
import dev.kiln.core.plugin.PluginLoader;
import dev.kiln.spi.ExtensionPoints;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiln finds the {@code rabit} collective, on the class path and as the distribution ships it: a
 * folder plugin of its own jar and exactly the jars it depends on at run time, whose class loader
 * reaches XGBoost4J's package-private JNI entry point.
 */
class RabitPluginTest {

    @TempDir Path tmp;

    @Test
    void theRegistryListsItAsTheCollectiveNamedRabit() {
        ExtensionRegistry registry =
                ExtensionRegistry.discover(
                        ExtensionPoints.all(), getClass().getClassLoader(), List.of());
        ExtensionInfo info = registry.require(ExtensionPoints.COLLECTIVE, "rabit");
        assertThat(info.kind()).isEqualTo("collective");
        assertThat(info.implementation()).isEqualTo(RabitCollectiveProvider.class);
        assertThat(info.description()).contains("Rabit");
    }

    @Test
    void asAFolderPluginItRunsOnItsOwnJarsAlone() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("plugins/kiln-collective-rabit"));
        jarOf(
                codeSource(RabitCollectiveProvider.class),
                folder.resolve("kiln-collective-rabit.jar"));
        // The run-time dependencies the pom declares, and nothing else: Scala and Kryo are
        // excluded there.
        for (String dependency :
                List.of(
                        "ml.dmlc.xgboost4j.java.XGBoostJNI",
                        "com.fasterxml.jackson.databind.ObjectMapper",
                        "com.fasterxml.jackson.core.JsonFactory",
                        "com.fasterxml.jackson.annotation.JsonProperty",
                        "org.apache.commons.logging.LogFactory")) {
            Path jar = codeSource(Class.forName(dependency));
            Files.copy(jar, folder.resolve(jar.getFileName()));
        }
        ClassLoader kiln = new WithoutThePlugin(getClass().getClassLoader());
        List<PluginClassLoader> loaders =
                new PluginLoader(kiln).load(null, List.of(tmp.resolve("plugins")));
        try {
            ExtensionRegistry registry =
                    ExtensionRegistry.discover(List.of(ExtensionPoints.COLLECTIVE), kiln, loaders);
            ExtensionInfo info = registry.require(ExtensionPoints.COLLECTIVE, "rabit");
            assertThat(info.source()).isEqualTo("kiln-collective-rabit/kiln-collective-rabit.jar");
            assertThat(info.implementation().getClassLoader())
                    .isInstanceOf(PluginClassLoader.class);
            CollectiveProvider provider =
                    new ExtensionFactory(Guice.createInjector(), ConfigFactory.empty())
                            .create(info, CollectiveProvider.class);
            List<Ranks.Outcome<float[]>> outcomes =
                    Ranks.run(
                            provider,
                            2,
                            Duration.ofSeconds(30),
                            c -> {
                                FloatBuffer b =
                                        RabitCollectiveTest.direct(
                                                new float[] {1 + c.rank(), 10 * (1 + c.rank())});
                                c.allReduceSum(b, 2);
                                return RabitCollectiveTest.contents(b, 2);
                            });
            for (Ranks.Outcome<float[]> outcome : outcomes) {
                assertThat(outcome.get()).containsExactly(3f, 30f);
            }
        } finally {
            for (PluginClassLoader loader : loaders) {
                loader.close();
            }
        }
    }

    private static Path codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void jarOf(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream zip = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                zip.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
    }

    /**
     * Kiln's class path as the distribution has it: without this plugin and its dependencies,
     * which the test class path has.
     */
    private static final class WithoutThePlugin extends ClassLoader {

        WithoutThePlugin(ClassLoader parent) {
            super(parent);
        }

        private static boolean hidden(String name) {
            String n = name.replace('/', '.');
            return n.startsWith("ml.dmlc.")
                    || n.startsWith("com.fasterxml.")
                    || n.startsWith("org.apache.commons.logging.")
                    || n.startsWith("dev.kiln.collective.rabit.")
                    || n.startsWith("lib.")
                    || n.equals("META-INF.services.dev.kiln.collective.CollectiveProvider");
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (hidden(name)) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return hidden(name) ? null : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return hidden(name) ? Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
