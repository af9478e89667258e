package dev.kiln.core.plugin;

import com.google.inject.Module;
import dev.kiln.spi.ExtensionPoint;
import dev.kiln.spi.KilnExtension;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every extension Kiln can use, by kind and name: the built-in ones on the class path and those
 * of the plugins.
 *
 * <p>{@link #discover} reads {@code META-INF/services/<extension point>} files and loads the
 * listed classes without initializing or instantiating them; name and description come from
 * each class's {@link KilnExtension}. Extensions are created later, and only when selected, by
 * {@link ExtensionFactory}. A class that a plugin's loader finds in its parent counts once, as
 * coming from where it was defined.
 */
public final class ExtensionRegistry {

    /** The service file through which a plugin contributes Guice modules. */
    public static final String MODULE_SERVICE_FILE = "META-INF/services/" + Module.class.getName();

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private final Map<ExtensionPoint<?>, SortedMap<String, ExtensionInfo>> byPoint;
    private final List<ClassLoader> referenceLoaders;
    private final List<ModuleType> moduleTypes;
    private List<Module> modules;

    private ExtensionRegistry(
            Map<ExtensionPoint<?>, SortedMap<String, ExtensionInfo>> byPoint,
            List<ClassLoader> referenceLoaders,
            List<ModuleType> moduleTypes) {
        this.byPoint = byPoint;
        this.referenceLoaders = referenceLoaders;
        this.moduleTypes = moduleTypes;
    }

    /** A Guice module class a plugin declares, and the plugin it came from. */
    private record ModuleType(Class<?> type, String source) {}

    /**
     * Finds every extension of the given kinds.
     *
     * @param points the extension points to look for
     * @param builtins the loader of Kiln and its class path, the parent of the plugin loaders
     * @param plugins the plugins' loaders, from {@link PluginLoader}
     * @return the registry
     * @throws PluginException if a listed class cannot be loaded, does not implement its extension
     *     point, has no {@link KilnExtension} or a malformed name, or two extensions of one kind
     *     share a name
     */
    public static ExtensionRegistry discover(
            List<ExtensionPoint<?>> points, ClassLoader builtins, List<PluginClassLoader> plugins) {
        Map<ExtensionPoint<?>, SortedMap<String, ExtensionInfo>> byPoint = new LinkedHashMap<>();
        for (ExtensionPoint<?> point : points) {
            SortedMap<String, ExtensionInfo> named = new TreeMap<>();
            Set<Class<?>> seen = new HashSet<>();
            for (Listed listed :
                    listed(point.serviceFile(), builtins, resources(builtins, point))) {
                add(point, listed, named, seen);
            }
            for (PluginClassLoader plugin : plugins) {
                for (Listed listed : listed(point.serviceFile(), plugin, own(plugin, point))) {
                    add(point, listed, named, seen);
                }
            }
            byPoint.put(point, Collections.unmodifiableSortedMap(named));
        }
        List<ClassLoader> referenceLoaders = new ArrayList<>();
        referenceLoaders.add(builtins);
        referenceLoaders.addAll(plugins);
        return new ExtensionRegistry(
                Collections.unmodifiableMap(byPoint),
                List.copyOf(referenceLoaders),
                moduleTypes(plugins));
    }

    /**
     * @param point a discovered extension point
     * @param name an extension's name
     * @return the extension of that kind and name, if there is one
     */
    public Optional<ExtensionInfo> find(ExtensionPoint<?> point, String name) {
        return Optional.ofNullable(named(point).get(name));
    }

    /**
     * @param point a discovered extension point
     * @param name an extension's name, e.g. from the config
     * @return the extension of that kind and name
     * @throws PluginException naming the known extensions of that kind, if there is none
     */
    public ExtensionInfo require(ExtensionPoint<?> point, String name) {
        return find(point, name).orElseThrow(() -> unknown(point, name));
    }

    private PluginException unknown(ExtensionPoint<?> point, String name) {
        Set<String> known = names(point);
        String choices =
                known.isEmpty()
                        ? "no " + point.plural() + " are installed"
                        : "known " + point.plural() + ": " + String.join(", ", known);
        return new PluginException(
                "unknown " + point.kind() + " \"" + name + "\" (" + choices + ")");
    }

    /** @return every extension, sorted by kind, then name */
    public List<ExtensionInfo> all() {
        return byPoint.values().stream()
                .flatMap(m -> m.values().stream())
                .sorted(
                        Comparator.comparing(ExtensionInfo::kind)
                                .thenComparing(ExtensionInfo::name))
                .toList();
    }

    /**
     * @param point a discovered extension point
     * @return its extensions, sorted by name
     */
    public List<ExtensionInfo> all(ExtensionPoint<?> point) {
        return List.copyOf(named(point).values());
    }

    /**
     * @param point a discovered extension point
     * @return the names of its extensions, sorted
     */
    public Set<String> names(ExtensionPoint<?> point) {
        return Collections.unmodifiableSet(new TreeSet<>(named(point).keySet()));
    }

    /**
     * @return the loaders whose {@code reference.conf} files hold defaults: the built-ins' loader
     *     first, then each plugin's; a plugin's loader also sees its parent's files, after its own
     */
    public List<ClassLoader> referenceLoaders() {
        return referenceLoaders;
    }

    /**
     * The Guice modules that plugins declare in {@value #MODULE_SERVICE_FILE}, created on the
     * first call (modules are the one kind of plugin class Kiln instantiates itself). The trainer
     * installs them over its own bindings with {@code Modules.override(kiln).with(modules)}, so a
     * plugin may replace a binding.
     *
     * @return the plugins' modules, in plugin order
     * @throws PluginException if a module cannot be created
     */
    public synchronized List<Module> pluginModules() {
        if (modules == null) {
            List<Module> created = new ArrayList<>();
            for (ModuleType m : moduleTypes) {
                created.add(instantiate(m));
            }
            modules = List.copyOf(created);
        }
        return modules;
    }

    private SortedMap<String, ExtensionInfo> named(ExtensionPoint<?> point) {
        SortedMap<String, ExtensionInfo> named = byPoint.get(point);
        if (named == null) {
            throw new IllegalArgumentException(point + " was not among the discovered points");
        }
        return named;
    }

    /** A class name listed in a service file, and where that file was. */
    private record Listed(String className, String source, ClassLoader loader) {}

    private static List<Listed> listed(String serviceFile, ClassLoader loader, List<URL> files) {
        List<Listed> listed = new ArrayList<>();
        for (URL file : files) {
            String source = ClassSource.describe(file, loader);
            for (String className : ServiceFile.classNames(file)) {
                listed.add(new Listed(className, source, loader));
            }
        }
        return listed;
    }

    private static void add(
            ExtensionPoint<?> point,
            Listed listed,
            Map<String, ExtensionInfo> named,
            Set<Class<?>> seen) {
        Class<?> type = load(listed, point.serviceFile());
        if (!seen.add(type)) {
            return; // listed twice, or a plugin's loader found it in its parent
        }
        String source = ClassSource.describe(type);
        String shown = source + " (" + type.getName() + ")";
        if (!point.type().isAssignableFrom(type)) {
            throw new PluginException(
                    shown
                            + " is listed in "
                            + point.serviceFile()
                            + " but is not a "
                            + point.type().getName());
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new PluginException(
                    shown + " is listed in " + point.serviceFile() + " but is abstract");
        }
        KilnExtension ext = type.getAnnotation(KilnExtension.class);
        if (ext == null) {
            throw new PluginException(
                    shown
                            + " has no @KilnExtension(name = ...); every "
                            + point.kind()
                            + " needs a name");
        }
        if (!NAME.matcher(ext.name()).matches()) {
            throw new PluginException(
                    shown
                            + " is named \""
                            + ext.name()
                            + "\"; names are lower-case kebab-case, like \"my-hook\"");
        }
        ExtensionInfo info =
                new ExtensionInfo(point, ext.name(), ext.description().strip(), type, source);
        ExtensionInfo other = named.putIfAbsent(info.name(), info);
        if (other != null) {
            throw new PluginException(
                    "two "
                            + point.plural()
                            + " are named \""
                            + info.name()
                            + "\": "
                            + other.origin()
                            + " and "
                            + info.origin());
        }
    }

    private static Class<?> load(Listed listed, String serviceFile) {
        try {
            return Class.forName(listed.className(), false, listed.loader());
        } catch (ClassNotFoundException e) {
            throw new PluginException(
                    listed.source()
                            + " lists "
                            + listed.className()
                            + " in "
                            + serviceFile
                            + ", but has no such class",
                    e);
        } catch (NoClassDefFoundError e) {
            // a type the class was compiled against is gone: the jar was built for another Kiln
            String missing = e.getMessage() == null ? "?" : e.getMessage().replace('/', '.');
            throw new PluginException(
                    listed.source()
                            + " ("
                            + listed.className()
                            + ") cannot be loaded: it needs "
                            + missing
                            + ", which neither the jar nor this Kiln has; the plugin was probably"
                            + " built for another Kiln API: rebuild it against this Kiln's"
                            + " kiln-api, or remove it",
                    e);
        } catch (LinkageError e) {
            throw new PluginException(
                    listed.source() + " (" + listed.className() + ") cannot be loaded: " + e, e);
        }
    }

    private static List<ModuleType> moduleTypes(List<PluginClassLoader> plugins) {
        List<ModuleType> types = new ArrayList<>();
        for (PluginClassLoader plugin : plugins) {
            List<URL> files = ownResources(plugin, MODULE_SERVICE_FILE);
            for (Listed listed : listed(MODULE_SERVICE_FILE, plugin, files)) {
                Class<?> type = load(listed, MODULE_SERVICE_FILE);
                if (type.getClassLoader() == plugin) {
                    types.add(new ModuleType(type, ClassSource.describe(type)));
                }
            }
        }
        return List.copyOf(types);
    }

    private static Module instantiate(ModuleType m) {
        String shown = m.source() + " (" + m.type().getName() + ")";
        if (!Module.class.isAssignableFrom(m.type())) {
            throw new PluginException(
                    shown + " is listed in " + MODULE_SERVICE_FILE + " but is not a Guice Module");
        }
        try {
            return (Module) m.type().getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new PluginException(
                    shown + ": a Guice module needs a public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new PluginException(shown + " failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new PluginException(shown + " cannot be created: " + e, e);
        }
    }

    private static List<URL> resources(ClassLoader loader, ExtensionPoint<?> point) {
        try {
            return Collections.list(loader.getResources(point.serviceFile()));
        } catch (IOException e) {
            throw new PluginException(
                    "cannot list " + point.serviceFile() + ": " + e.getMessage(), e);
        }
    }

    private static List<URL> own(PluginClassLoader plugin, ExtensionPoint<?> point) {
        return ownResources(plugin, point.serviceFile());
    }

    private static List<URL> ownResources(PluginClassLoader plugin, String name) {
        try {
            return Collections.list(plugin.ownResources(name));
        } catch (IOException e) {
            throw new PluginException(
                    "cannot read " + plugin.location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return all().stream().map(ExtensionInfo::toString).collect(Collectors.joining(", "));
    }
}
