package dev.kiln.writers.tensorboard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link TensorBoardWriter} writes: the smoothing window of its scalars, how many writes may
 * wait for its background thread, the text shown as the run's config, and the hyperparameters
 * shown in TensorBoard's HParams view.
 *
 * <pre>{@code
 * TensorBoardOptions options = TensorBoardOptions.defaults()
 *         .withHparams(Map.of("lr", 0.05, "optimizer", "sgd"))
 *         .withConfigText("lr = 0.05");
 * }</pre>
 *
 * @param window how many newest values a smoothed scalar's median uses; at least 1
 * @param queueCapacity how many writes may wait for the background thread before {@code write}
 *     blocks; at least 1
 * @param configText the config shown as a text summary, or null for none
 * @param hparams hyperparameter name to value (a String, Number or Boolean); empty for none
 */
public record TensorBoardOptions(
        int window, int queueCapacity, String configText, Map<String, Object> hparams) {

    /** The smoothing window by default. */
    public static final int DEFAULT_WINDOW = 20;

    /** The queue capacity by default. */
    public static final int DEFAULT_QUEUE_CAPACITY = 64;

    /** Checks the values and keeps the hyperparameters in their order. */
    public TensorBoardOptions {
        if (window < 1) {
            throw new IllegalArgumentException(
                    "kiln.tensorboard.window must be at least 1, was " + window);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException(
                    "kiln.tensorboard.queue-capacity must be at least 1, was " + queueCapacity);
        }
        Objects.requireNonNull(hparams, "hparams");
        hparams.forEach(
                (name, value) -> {
                    if (!(value instanceof String
                            || value instanceof Number
                            || value instanceof Boolean)) {
                        throw new IllegalArgumentException(
                                "hyperparameter '"
                                        + name
                                        + "' must be a String, Number or Boolean,"
                                        + " was "
                                        + (value == null ? "null" : value.getClass().getName()));
                    }
                });
        hparams = Collections.unmodifiableMap(new LinkedHashMap<>(hparams));
    }

    /** @return a window of 20, a queue of 64, no config text and no hyperparameters */
    public static TensorBoardOptions defaults() {
        return new TensorBoardOptions(DEFAULT_WINDOW, DEFAULT_QUEUE_CAPACITY, null, Map.of());
    }

    /**
     * @param window the smoothing window
     * @return these options with that window
     */
    public TensorBoardOptions withWindow(int window) {
        return new TensorBoardOptions(window, queueCapacity, configText, hparams);
    }

    /**
     * @param queueCapacity the queue capacity
     * @return these options with that capacity
     */
    public TensorBoardOptions withQueueCapacity(int queueCapacity) {
        return new TensorBoardOptions(window, queueCapacity, configText, hparams);
    }

    /**
     * @param configText the config shown as text, or null
     * @return these options with that text
     */
    public TensorBoardOptions withConfigText(String configText) {
        return new TensorBoardOptions(window, queueCapacity, configText, hparams);
    }

    /**
     * @param hparams hyperparameter name to value
     * @return these options with those hyperparameters
     */
    public TensorBoardOptions withHparams(Map<String, ?> hparams) {
        return new TensorBoardOptions(
                window, queueCapacity, configText, new LinkedHashMap<String, Object>(hparams));
    }
}
