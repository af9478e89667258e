/**
 * The {@code tensorboard} writer: the event storage as TensorBoard event files (TFRecord framing,
 * protobuf {@code Event}s compiled from {@code src/main/proto}), written on a background thread.
 */
package dev.kiln.writers.tensorboard;
