package dev.kiln.core.run;

import dev.kiln.core.config.ConfigLoader;
import dev.kiln.core.config.ConfigValidator;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.core.config.Selectors;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.plugin.PluginClassLoader;
import dev.kiln.core.plugin.PluginLoader;
import dev.kiln.spi.ExtensionPoint;
import dev.kiln.spi.ExtensionPoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run as the user described it, found and checked before any work: the plugins (each jar or
 * folder of jars in its own class loader), the extensions they and the class path provide, and the
 * layered config validated against them. What the {@code kiln} command and a program of one's own
 * both start from:
 *
 * <pre>{@code
 * try (KilnRun run = KilnRun.builder().configFiles(List.of(Path.of("my.conf"))).load();
 *         DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
 *     trainer.train();
 * }
 * }</pre>
 */
public final class KilnRun implements AutoCloseable {

    private final KilnConfig config;
    private final ExtensionRegistry registry;
    private final List<PluginClassLoader> pluginLoaders;

    private KilnRun(
            KilnConfig config, ExtensionRegistry registry, List<PluginClassLoader> pluginLoaders) {
        this.config = config;
        this.registry = registry;
        this.pluginLoaders = pluginLoaders;
    }

    /** @return a builder with no plugins, no config file and no overrides */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the validated config */
    public KilnConfig config() {
        return config;
    }

    /** @return the extensions found */
    public ExtensionRegistry registry() {
        return registry;
    }

    /**
     * The extension names the config may select, by the config key that selects them: the keys
     * the {@code reference.conf} files declare in {@code kiln-selectors}.
     *
     * @param registry the extensions found
     * @param config the loaded config, whose defaults declare the selecting keys
     * @return key path to known names
     */
    public static Map<String, Set<String>> selectableNames(
            ExtensionRegistry registry, KilnConfig config) {
        Map<String, Set<String>> names = new LinkedHashMap<>();
        for (Selectors.Selector selector : Selectors.of(config.reference())) {
            for (ExtensionPoint<?> point : ExtensionPoints.all()) {
                if (point.kind().equals(selector.kind())) {
                    names.put(selector.key(), registry.names(point));
                }
            }
        }
        return names;
    }

    /** Closes the plugins' class loaders. */
    @Override
    public void close() {
        for (PluginClassLoader loader : pluginLoaders) {
            try {
                loader.close();
            } catch (IOException e) {
                // Nothing is left to read from it; a failure to close changes nothing for the run.
            }
        }
    }

    /** Collects where the plugins and the config come from. */
    public static final class Builder {
        private Path defaultPluginDir;
        private List<Path> pluginDirs = List.of();
        private List<Path> configFiles = List.of();
        private List<String> overrides = List.of();
        private String engine;
        private String outputDir;
        private boolean requireData = true;

        private Builder() {}

        /**
         * Leaves out the check that the data sections name their files: for a run that only
         * builds a model, such as loading an exported one for prediction.
         *
         * @return this builder
         */
        public Builder withoutData() {
            this.requireData = false;
            return this;
        }

        /**
         * @param dir the distribution's {@code plugins/}; may be absent or null
         * @return this builder
         */
        public Builder defaultPluginDir(Path dir) {
            this.defaultPluginDir = dir;
            return this;
        }

        /**
         * @param dirs further plugin folders ({@code --plugins}); each must exist
         * @return this builder
         */
        public Builder pluginDirs(List<Path> dirs) {
            this.pluginDirs = List.copyOf(dirs);
            return this;
        }

        /**
         * @param files the user's config files, lowest first
         * @return this builder
         */
        public Builder configFiles(List<Path> files) {
            this.configFiles = List.copyOf(files);
            return this;
        }

        /**
         * @param keyValues {@code KEY=VALUE} overrides in HOCON syntax
         * @return this builder
         */
        public Builder overrides(List<String> keyValues) {
            this.overrides = List.copyOf(keyValues);
            return this;
        }

        /**
         * @param name the engine ({@code --engine}), or null
         * @return this builder
         */
        public Builder engine(String name) {
            this.engine = name;
            return this;
        }

        /**
         * @param dir the run directory ({@code --output-dir}), or null
         * @return this builder
         */
        public Builder outputDir(String dir) {
            this.outputDir = dir;
            return this;
        }

        /**
         * Finds the plugins and their extensions, loads the config in layers and validates it.
         *
         * @return the run
         * @throws dev.kiln.core.plugin.PluginException when a plugin is broken or two extensions
         *     share a name
         * @throws dev.kiln.core.config.KilnConfigException listing every problem of the config
         */
        public KilnRun load() {
            ClassLoader builtins = KilnRun.class.getClassLoader();
            List<PluginClassLoader> loaders =
                    new PluginLoader(builtins).load(defaultPluginDir, new ArrayList<>(pluginDirs));
            try {
                ExtensionRegistry registry =
                        ExtensionRegistry.discover(ExtensionPoints.all(), builtins, loaders);
                KilnConfig config =
                        ConfigLoader.builder()
                                .referenceLoaders(registry.referenceLoaders())
                                .files(configFiles)
                                .overrides(overrides)
                                .engine(engine)
                                .outputDir(outputDir)
                                .load();
                ConfigValidator.builder()
                        .requireData(requireData)
                        .extensionNames(selectableNames(registry, config))
                        .build()
                        .validate(config);
                return new KilnRun(config, registry, loaders);
            } catch (RuntimeException e) {
                new KilnRun(null, null, loaders).close();
                throw e;
            }
        }
    }
}
