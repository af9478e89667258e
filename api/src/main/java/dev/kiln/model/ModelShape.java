package dev.kiln.model;

import ai.djl.ndarray.types.Shape;

/**
 * What a model is built for: the shape of one example and the number of outputs (classes).
 *
 * @param exampleShape the shape of one example, without the batch axis
 * @param outputs how many values the model predicts per example
 */
public record ModelShape(Shape exampleShape, int outputs) {}
