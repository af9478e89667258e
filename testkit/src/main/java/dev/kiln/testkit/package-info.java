/**
 * A test kit for plugin authors: {@link dev.kiln.testkit.TestTrainer} trains a {@link
 * dev.kiln.core.run.DefaultTrainer} for a few iterations on a chosen engine, with chosen extensions,
 * hooks and config, on a tiny built-in dataset (or a given CSV) in a temporary folder; the {@link
 * dev.kiln.testkit.TrainedRun} it returns holds the event storage and the run directory to inspect.
 * A plugin compiles against kiln-api only; the kit, its one test-scope dependency, brings Kiln's
 * core, both engines with their CPU natives, JUnit 5, AssertJ and a logging backend (quiet by
 * default; a {@code logback-test.xml} of the plugin's own takes over). {@link
 * dev.kiln.testkit.KilnCommand} runs the built distribution's {@code bin/kiln}, {@link
 * dev.kiln.testkit.PluginJars} builds plugin jars while a test runs, {@link
 * dev.kiln.testkit.TestData} copies out real sample data.
 */
package dev.kiln.testkit;
