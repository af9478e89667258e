package dev.kiln.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * A sequential block whose children are added under names of our choosing, so that parameters
 * read {@code 01conv1_weight}, {@code 02bn1_gamma}, ... in checkpoints rather than {@code
 * 01Conv2d_weight}.
 */
final class NamedSequence extends SequentialBlock {

    /**
     * Adds a child at the end.
     *
     * @param name the child's name; DJL prefixes it with its position ({@code 01}, {@code 02}, ...)
     * @param child the block
     * @return this block
     */
    NamedSequence then(String name, Block child) {
        addChildBlock(name, child);
        return this;
    }
}
