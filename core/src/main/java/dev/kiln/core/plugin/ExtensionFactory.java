package dev.kiln.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.name.Names;
import com.google.inject.spi.Message;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import dev.kiln.spi.SettingsException;
import java.util.Collection;
import java.util.Objects;

/**
 * Creates selected extensions with Guice, by constructor injection.
 *
 * <p>Each extension is created by its own child injector of the trainer's injector, which adds
 * two bindings for that extension only:
 *
 * <ul>
 *   <li>{@code Config} (unannotated): the extension's own section {@code kiln.<name>}, empty when
 *       the config has none;
 *   <li>{@code @Named("kiln") Config}: the whole {@code kiln} tree.
 * </ul>
 *
 * Everything else (the {@code EventStorage}, the model, the output directory, …) comes from the
 * parent injector, which therefore must not bind those two keys itself.
 *
 * <pre>{@code
 * @KilnExtension(name = "greeter", description = "greets every few iterations")
 * public final class GreeterHook implements Hook {
 *     @Inject
 *     public GreeterHook(Config section, @Named("kiln") Config kiln, TrainerView trainer) { ... }
 * }
 * }</pre>
 */
public final class ExtensionFactory {

    /** The root path of Kiln's config; extension sections live under it. */
    public static final String ROOT = "kiln";

    /** The name of the binding of the whole {@value #ROOT} tree. */
    public static final String KILN_CONFIG = "kiln";

    private final Injector parent;
    private final Config root;

    /**
     * @param parent the injector that provides what extensions may ask for
     * @param root the resolved config, with the {@value #ROOT} tree at its root
     */
    public ExtensionFactory(Injector parent, Config root) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * Creates a new instance of an extension.
     *
     * @param info the extension, from the {@link ExtensionRegistry}
     * @param type the interface to return it as, usually its extension point's
     * @param <T> the interface
     * @return the new instance
     * @throws PluginException naming the extension, if it is not a {@code type}, its config
     *     section is not an object, or Guice cannot create it (a missing binding, a failing
     *     constructor)
     * @throws SettingsException as thrown, when the extension's constructor (or a provider it
     *     needs) rejects a value of its settings: its message already names the file, line and key
     */
    public <T> T create(ExtensionInfo info, Class<T> type) {
        if (!type.isAssignableFrom(info.implementation())) {
            throw new PluginException(describe(info) + " is not a " + type.getName());
        }
        Config section = section(info);
        Config kiln = root.hasPath(ROOT) ? root.getConfig(ROOT) : ConfigFactory.empty();
        try {
            Injector child =
                    parent.createChildInjector(
                            new AbstractModule() {
                                @Override
                                protected void configure() {
                                    bind(Config.class).toInstance(section);
                                    bind(Config.class)
                                            .annotatedWith(Names.named(KILN_CONFIG))
                                            .toInstance(kiln);
                                }
                            });
            return type.cast(child.getInstance(info.implementation()));
        } catch (ConfigurationException e) {
            throw failed(info, e.getErrorMessages(), e);
        } catch (ProvisionException e) {
            throw failed(info, e.getErrorMessages(), e);
        } catch (CreationException e) {
            throw failed(info, e.getErrorMessages(), e);
        }
    }

    /**
     * @param info an extension
     * @return its config section {@code kiln.<name>}, or an empty config when there is none
     * @throws PluginException if {@code kiln.<name>} is there but not an object
     */
    public Config section(ExtensionInfo info) {
        String path = ConfigUtil.joinPath(ROOT, info.name());
        try {
            return root.hasPath(path) ? root.getConfig(path) : ConfigFactory.empty();
        } catch (ConfigException e) {
            throw new PluginException(
                    "the config of " + describe(info) + " is wrong: " + e.getMessage(), e);
        }
    }

    private static RuntimeException failed(
            ExtensionInfo info, Collection<Message> messages, RuntimeException e) {
        for (Message message : messages) {
            for (Throwable c = message.getCause(); c != null; c = c.getCause()) {
                if (c instanceof SettingsException settings) {
                    // a bad value in the config, reported where it was written, not a broken plugin
                    return settings;
                }
                if (c == c.getCause()) {
                    break;
                }
            }
        }
        String why = messages.stream().findFirst().map(ExtensionFactory::oneLine).orElse(null);
        if (why == null || why.isEmpty()) {
            why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        return new PluginException("cannot create " + describe(info) + ": " + why, e);
    }

    private static String oneLine(Message message) {
        Throwable cause = message.getCause();
        if (cause != null) {
            // the extension's constructor (or a provider it needs) threw
            return cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage()));
        }
        return firstLine(message.getMessage());
    }

    private static String firstLine(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }

    private static String describe(ExtensionInfo info) {
        return info.kind() + " \"" + info.name() + "\" from " + info.origin();
    }
}
