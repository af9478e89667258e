package dev.kiln.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a run's configuration from its layers, lowest first:
 *
 * <ol>
 *   <li>every {@code reference.conf} visible to the given class loaders (core's and one per
 *       plugin), each resource once, in loader order;
 *   <li>the user's files in order ({@code --config}, repeatable; a later file overrides an earlier
 *       one; HOCON {@code include} is relative to the including file, and one that finds nothing is
 *       a problem naming the including file and line, see {@link ReportingIncluder});
 *   <li>{@code KEY=VALUE} overrides from the command line, each parsed as a HOCON document, so
 *       {@code kiln.solver.max-iter=10}, {@code kiln.hooks += eval} and {@code
 *       kiln.model.hidden-sizes=[32,32]} work; a value that is not valid HOCON (such as {@code
 *       kiln.device=gpu:1}) is taken as a string;
 *   <li>the explicit options {@code --engine} and {@code --output-dir}.
 * </ol>
 *
 * <p>Between the defaults and the user's files sit the default lists the {@code reference.conf}
 * files contribute ({@link DefaultLists}): {@code kiln.hooks} and {@code kiln.writers}, so that a
 * user's {@code kiln.hooks = [...]} replaces them and {@code kiln.hooks += x} adds to them.
 *
 * <p>Substitutions ({@code ${kiln.seed}}, {@code ${?HOME}}) are resolved over the merged layers.
 * Every file is parsed before any error is reported, so a run with two broken files hears about
 * both. Loading does not validate: pass the result to {@link ConfigValidator}.
 */
public final class ConfigLoader {

    /** Name of the top-level key listing open sections (see {@link KilnConfig#openSections()}). */
    static final String OPEN_SECTIONS_KEY = "kiln-open-sections";

    private static final String REFERENCE = "reference.conf";
    private static final Pattern ASSIGNMENT =
            Pattern.compile("^\\s*([A-Za-z0-9_.\\-\"]+)\\s*(\\+?=)\\s*(.*?)\\s*$", Pattern.DOTALL);

    private final List<ClassLoader> referenceLoaders;
    private final List<Path> files;
    private final List<String> overrides;
    private final String engine;
    private final String outputDir;

    private ConfigLoader(Builder builder) {
        this.referenceLoaders =
                builder.referenceLoaders.isEmpty()
                        ? List.of(ConfigLoader.class.getClassLoader())
                        : List.copyOf(builder.referenceLoaders);
        this.files = List.copyOf(builder.files);
        this.overrides = List.copyOf(builder.overrides);
        this.engine = builder.engine;
        this.outputDir = builder.outputDir;
    }

    /**
     * Starts describing the layers to load.
     *
     * @return a builder with no files, no overrides, and core's class loader for defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses, merges and resolves every layer.
     *
     * @return the resolved configuration
     * @throws KilnConfigException listing every missing file, syntax error, unparseable override
     *     and unresolvable substitution
     */
    public KilnConfig load() {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, List<String>> sectionSources = new LinkedHashMap<>();
        Config reference = loadReference(sectionSources, problems);

        Config user = ConfigFactory.empty();
        for (Path file : files) {
            Config parsed = parseFile(file, problems);
            user = parsed.withFallback(user);
        }
        for (int i = 0; i < overrides.size(); i++) {
            Config parsed = parseOverride(overrides.get(i), i + 1, problems);
            user = parsed.withFallback(user);
        }
        user = option("kiln.engine", "--engine", engine).withFallback(user);
        user = option("kiln.output-dir", "--output-dir", outputDir).withFallback(user);
        if (!problems.isEmpty()) {
            throw new KilnConfigException(problems);
        }

        Config resolvedReference =
                reference.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
        Config resolved;
        try {
            resolved =
                    user.withFallback(DefaultLists.of(resolvedReference))
                            .withFallback(reference)
                            .resolve();
        } catch (ConfigException e) {
            throw new KilnConfigException(List.of(fromTypesafe(e)));
        }
        return new KilnConfig(
                resolved, resolvedReference, sectionSources, openSections(resolvedReference));
    }

    private Config loadReference(
            Map<String, List<String>> sectionSources, List<ConfigProblem> problems) {
        Set<URL> seen = new LinkedHashSet<>();
        for (ClassLoader loader : referenceLoaders) {
            try {
                seen.addAll(Collections.list(loader.getResources(REFERENCE)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + REFERENCE + " resources", e);
            }
        }
        Config merged = ConfigFactory.empty();
        for (URL url : coreFirst(seen)) {
            Config parsed;
            try {
                parsed =
                        ConfigFactory.parseURL(
                                url,
                                ConfigParseOptions.defaults()
                                        .setSyntax(ConfigSyntax.CONF)
                                        .setAllowMissing(false));
            } catch (ConfigException e) {
                problems.add(fromTypesafe(e));
                continue;
            }
            recordSections(parsed, url, sectionSources);
            merged = parsed.withFallback(merged);
        }
        return merged;
    }

    /**
     * Core's {@code reference.conf} goes first, whatever the class path's order: it sets the lists
     * the others add to with {@code +=} ({@code kiln-selectors}, {@code kiln-defaults.hooks}, …),
     * and a plain assignment merged above an addition would drop it.
     */
    private static List<URL> coreFirst(Set<URL> urls) {
        List<URL> ordered = new ArrayList<>(urls);
        String core = null;
        try {
            core =
                    ConfigLoader.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toString();
        } catch (RuntimeException e) {
            // unknown location: keep the loaders' order
        }
        if (core != null) {
            for (int i = 0; i < ordered.size(); i++) {
                String url = ordered.get(i).toString();
                if (url.equals(core + REFERENCE) || url.equals("jar:" + core + "!/" + REFERENCE)) {
                    ordered.add(0, ordered.remove(i));
                    break;
                }
            }
        }
        return ordered;
    }

    private static void recordSections(
            Config parsed, URL url, Map<String, List<String>> sectionSources) {
        ConfigValue kiln = parsed.root().get("kiln");
        if (kiln instanceof ConfigObject) {
            for (String section : ((ConfigObject) kiln).keySet()) {
                sectionSources.computeIfAbsent(section, k -> new ArrayList<>()).add(url.toString());
            }
        }
    }

    private static Config parseFile(Path file, List<ConfigProblem> problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(new ConfigProblem(null, null, "config file not found: " + file));
            return ConfigFactory.empty();
        }
        // A bare file name has no parent, and Typesafe Config then cannot resolve includes
        // relative to it; "./name" has one.
        Path withParent = file.getParent() == null ? Path.of(".").resolve(file) : file;
        try {
            return ConfigFactory.parseFile(
                    withParent.toFile(),
                    ConfigParseOptions.defaults()
                            .setSyntax(ConfigSyntax.CONF)
                            .setAllowMissing(false)
                            .setIncluder(new ReportingIncluder(withParent, problems)));
        } catch (ConfigException e) {
            problems.add(fromTypesafe(e));
            return ConfigFactory.empty();
        }
    }

    private static Config parseOverride(String arg, int index, List<ConfigProblem> problems) {
        String origin = "command line override " + index;
        ConfigParseOptions options =
                ConfigParseOptions.defaults()
                        .setSyntax(ConfigSyntax.CONF)
                        .setOriginDescription(origin);
        try {
            return ConfigFactory.parseString(arg, options);
        } catch (ConfigException.Parse e) {
            Matcher m = ASSIGNMENT.matcher(arg);
            if (m.matches() && !m.group(3).isEmpty()) {
                String asString =
                        m.group(1) + " " + m.group(2) + " " + ConfigUtil.quoteString(m.group(3));
                try {
                    return ConfigFactory.parseString(asString, options);
                } catch (ConfigException ignored) {
                    // fall through to report the original error
                }
            }
            problems.add(
                    new ConfigProblem(
                            origin,
                            null,
                            "cannot parse \""
                                    + arg
                                    + "\" as KEY=VALUE: "
                                    + Origins.stripPrefix(e.origin(), e.getMessage())));
            return ConfigFactory.empty();
        }
    }

    private static Config option(String path, String optionName, String value) {
        if (value == null) {
            return ConfigFactory.empty();
        }
        return ConfigFactory.empty()
                .withValue(
                        path,
                        ConfigValueFactory.fromAnyRef(value, "command line option " + optionName));
    }

    private static Set<String> openSections(Config reference) {
        Set<String> open = new LinkedHashSet<>();
        if (reference.hasPath(OPEN_SECTIONS_KEY)
                && reference.getValue(OPEN_SECTIONS_KEY).valueType() == ConfigValueType.LIST) {
            for (ConfigValue value : reference.getList(OPEN_SECTIONS_KEY)) {
                if (value.valueType() == ConfigValueType.STRING) {
                    open.add((String) value.unwrapped());
                }
            }
        }
        return open;
    }

    /**
     * Turns one of Typesafe Config's exceptions into a problem naming its file and line.
     *
     * @param e the exception
     * @return the problem, with Typesafe's location prefix moved into the location
     */
    static ConfigProblem fromTypesafe(ConfigException e) {
        String message = Origins.stripPrefix(e.origin(), e.getMessage());
        if (e instanceof ConfigException.IO && e.getCause() != null) {
            message = "cannot read: " + e.getCause().getMessage();
        }
        return new ConfigProblem(Origins.describe(e.origin()), null, message);
    }

    /** Collects the layers for {@link ConfigLoader}. */
    public static final class Builder {

        private final List<ClassLoader> referenceLoaders = new ArrayList<>();
        private final List<Path> files = new ArrayList<>();
        private final List<String> overrides = new ArrayList<>();
        private String engine;
        private String outputDir;

        private Builder() {}

        /**
         * Sets the class loaders whose {@code reference.conf} resources give the defaults: core's
         * first, then one per plugin. A resource visible to several loaders is read once.
         *
         * @param loaders the loaders; empty means core's loader only
         * @return this builder
         */
        public Builder referenceLoaders(List<ClassLoader> loaders) {
            referenceLoaders.clear();
            referenceLoaders.addAll(loaders);
            return this;
        }

        /**
         * Sets the user's config files, lowest precedence first.
         *
         * @param paths the files given with {@code --config}, in command-line order
         * @return this builder
         */
        public Builder files(List<Path> paths) {
            files.clear();
            files.addAll(paths);
            return this;
        }

        /**
         * Sets the {@code KEY=VALUE} overrides, lowest precedence first.
         *
         * @param keyValues overrides in command-line order, such as {@code kiln.seed=7}
         * @return this builder
         */
        public Builder overrides(List<String> keyValues) {
            overrides.clear();
            overrides.addAll(keyValues);
            return this;
        }

        /**
         * Sets the engine given with {@code --engine}, which beats every other layer.
         *
         * @param engineName the engine, or null if the option was not given
         * @return this builder
         */
        public Builder engine(String engineName) {
            this.engine = engineName;
            return this;
        }

        /**
         * Sets the run directory given with {@code --output-dir}, which beats every other layer.
         *
         * @param dir the directory, or null if the option was not given
         * @return this builder
         */
        public Builder outputDir(String dir) {
            this.outputDir = dir;
            return this;
        }

        /**
         * Loads the configuration; shorthand for building the loader and calling {@link
         * ConfigLoader#load()}.
         *
         * @return the resolved configuration
         * @throws KilnConfigException if a layer cannot be read, parsed or resolved
         */
        public KilnConfig load() {
            return new ConfigLoader(this).load();
        }
    }
}
