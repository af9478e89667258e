package dev.kiln.loss;

/**
 * What turns a model's raw outputs into predictions, as the loss trained them to be read: a
 * prediction applies it, an export records it.
 */
public enum OutputActivation {
    /** The outputs are the predicted values (regression losses). */
    NONE,
    /** The outputs are logits of one class out of all (softmax cross-entropy). */
    SOFTMAX,
    /** Each output is the logit of one independent label (binary cross-entropy). */
    SIGMOID
}
