/**
 * Plugin discovery and creation: which extensions exist, where they come from, and how a selected
 * one is built.
 *
 * <ol>
 *   <li>{@link dev.kiln.core.plugin.PluginLoader} turns {@code plugins/} and each {@code --plugins DIR}
 *       into one {@link dev.kiln.core.plugin.PluginClassLoader} per jar or folder of jars.
 *   <li>{@link dev.kiln.core.plugin.ExtensionRegistry#discover} reads the {@code META-INF/services}
 *       files of the class path and of each plugin for every {@link
 *       dev.kiln.spi.ExtensionPoint}, and describes each class by its {@link
 *       dev.kiln.spi.KilnExtension} as an {@link dev.kiln.core.plugin.ExtensionInfo}, without
 *       creating anything.
 *   <li>{@link dev.kiln.core.plugin.ExtensionFactory} creates the extensions the config selects, with
 *       Guice, giving each its config section.
 * </ol>
 *
 * Every user-facing problem is a {@link dev.kiln.core.plugin.PluginException} with a one-line message.
 */
package dev.kiln.core.plugin;
