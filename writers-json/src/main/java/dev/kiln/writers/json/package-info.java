/**
 * The {@code json} writer: the event storage's scalars as JSON lines in {@code metrics.json}, in
 * detectron2's format.
 */
package dev.kiln.writers.json;
