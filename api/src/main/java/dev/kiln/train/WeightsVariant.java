package dev.kiln.train;

/**
 * A hook that keeps another set of values for the model's parameters, such as an exponential
 * moving average of them, which evaluation and export can use in place of the trained values.
 * An evaluation hook finds the variants through {@link TrainerView#hooks()} and reports each
 * variant's results under {@code <test-prefix>-<variantName>/…} (for {@code ema}: {@code
 * test-ema/accuracy}); {@code kiln export --weights <variantName>} exports its values.
 *
 * <pre>{@code
 * for (Hook hook : trainer().hooks()) {
 *     if (hook instanceof WeightsVariant variant) {
 *         try (WeightsVariant.Swap swap = variant.swapIn()) {
 *             evaluate(variant.variantName());
 *         }
 *     }
 * }
 * }</pre>
 */
public interface WeightsVariant {

    /** @return the variant's name, such as {@code ema}: lower case, digits and dashes */
    String variantName();

    /**
     * Puts the variant's values into the model's parameters, brought up to date with the
     * iteration that has just run (whether this hook's own {@code afterStep} ran before the
     * caller's or not), until the returned handle is closed.
     *
     * @return a handle whose {@link Swap#close()} puts the trained values back, bitwise as they were
     * @throws IllegalStateException when the variant holds no values yet (before training started
     *     and with nothing restored from a checkpoint)
     */
    Swap swapIn();

    /** The variant's values in the model until closed. */
    interface Swap extends AutoCloseable {

        /** Puts the trained values back into the model's parameters. */
        @Override
        void close();
    }
}
