/**
 * The loss extension point: {@link dev.kiln.loss.LossProvider}, selected by {@code kiln.loss.type}.
 * Kiln's core provides softmax cross-entropy, binary cross-entropy on logits, L2, L1 and smooth L1.
 */
package dev.kiln.loss;
