/**
 * Kiln on Spark: the application {@link dev.kiln.spark.KilnSpark} for {@code spark-submit} runs
 * one Kiln worker per task of a barrier stage, joined by the collective whose coordinator runs on
 * the driver; a failed task fails the stage, Spark retries it and the workers resume from the run
 * directory's last checkpoint. See docs/scaling.md, "On a Spark cluster".
 */
package dev.kiln.spark;
