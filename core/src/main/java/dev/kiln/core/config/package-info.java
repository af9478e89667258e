/**
 * Configuration of a run: {@link dev.kiln.core.config.ConfigLoader} merges the layers (every {@code
 * reference.conf}, the user's files, {@code KEY=VALUE} overrides, {@code --engine} and {@code
 * --output-dir}) into a {@link dev.kiln.core.config.KilnConfig}; {@link dev.kiln.core.config.ConfigValidator}
 * checks it before any work and reports every {@link dev.kiln.core.config.ConfigProblem} at once in a
 * {@link dev.kiln.core.config.KilnConfigException}, each naming the file and line.
 */
package dev.kiln.core.config;
