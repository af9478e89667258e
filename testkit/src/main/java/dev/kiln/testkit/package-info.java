/**
 * A test kit for plugin authors: {@link dev.kiln.testkit.TestTrainer} trains a {@link
 * dev.kiln.core.run.DefaultTrainer} for a few iterations on a chosen engine, with chosen extensions,
 * hooks and config, on a tiny built-in dataset (or a given CSV) in a temporary folder; the {@link
 * dev.kiln.testkit.TrainedRun} it returns holds the event storage and the run directory to inspect.
 * Plugins depend on {@code kiln-core} anyway, so they use the kit with no other dependency.
 */
package dev.kiln.testkit;
