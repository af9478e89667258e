/**
 * The {@code kiln-hooks-ema} plugin: {@link dev.kiln.ema.EmaHook} ({@code ema}), an exponential
 * moving average of the model's parameters, offered to evaluation and export as a {@link
 * dev.kiln.train.WeightsVariant} and saved in checkpoints.
 */
package dev.kiln.ema;
