package dev.kiln.core.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a {@link TrainingSampler} stands: the epoch and how many indices of that epoch were
 * already drawn.
 *
 * @param epoch the epoch, counted from 0
 * @param offset indices already drawn in this epoch, from 0 to the dataset size
 */
public record SamplerPosition(long epoch, int offset) {

    /** The position of a fresh sampler. */
    public static final SamplerPosition START = new SamplerPosition(0, 0);

    /**
     * Checks the fields.
     *
     * @param epoch the epoch, not negative
     * @param offset the offset, not negative
     */
    public SamplerPosition {
        if (epoch < 0 || offset < 0) {
            throw new IllegalArgumentException(
                    "sampler position must not be negative: epoch " + epoch + ", offset " + offset);
        }
    }

    /**
     * Returns this position as JSON-friendly values under the keys {@code epoch} and {@code
     * offset}.
     *
     * @param extra more entries to add, such as the dataset size
     * @return a new mutable map
     */
    public Map<String, Object> toState(Map<String, Object> extra) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("epoch", epoch);
        state.put("offset", offset);
        state.putAll(extra);
        return state;
    }

    /**
     * Reads a position written by {@link #toState}; numbers may be of any {@link Number} type
     * (JSON readers often give doubles) or numeric strings.
     *
     * @param state the saved state
     * @return the position
     * @throws IllegalArgumentException if a key is missing or not a whole number
     */
    public static SamplerPosition fromState(Map<String, ?> state) {
        long epoch = wholeNumber(state, "epoch");
        long offset = wholeNumber(state, "offset");
        if (offset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "batch source state \"offset\" is too large: " + offset);
        }
        return new SamplerPosition(epoch, (int) offset);
    }

    /**
     * Reads a whole number from saved state.
     *
     * @param state the saved state
     * @param key the key
     * @return the value
     * @throws IllegalArgumentException if the key is missing or not a whole number
     */
    static long wholeNumber(Map<String, ?> state, String key) {
        Object value = state.get(key);
        if (value == null) {
            throw new IllegalArgumentException(
                    "batch source state lacks \"" + key + "\"; it has " + state.keySet());
        }
        double number;
        if (value instanceof Number n) {
            if (value instanceof Long || value instanceof Integer) {
                return n.longValue();
            }
            number = n.doubleValue();
        } else {
            try {
                number = Double.parseDouble(value.toString().trim());
            } catch (NumberFormatException e) {
                number = Double.NaN;
            }
        }
        if (number != Math.rint(number) || Double.isInfinite(number)) {
            throw new IllegalArgumentException(
                    "batch source state \"" + key + "\" is not a whole number: " + value);
        }
        return (long) number;
    }
}
