package dev.kiln.models;

import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import java.util.ArrayList;
import java.util.List;

/** Reads a list of layer sizes (whole numbers at least 1) from settings, naming the key on error. */
final class SizeLists {

    private SizeLists() {}

    /**
     * @param settings the model's settings
     * @param key the key, such as {@code channels}
     * @param allowEmpty whether an empty list is valid
     * @param meaning what one entry gives, for the message of an empty list, such as {@code one
     *     conv block per entry}
     * @return the sizes, in order
     * @throws SettingsException if the value is missing or not such a list
     */
    static List<Integer> read(Settings settings, String key, boolean allowEmpty, String meaning) {
        String requirement = "must be a list of whole numbers at least 1";
        List<Double> values = settings.doubleList(key);
        if (values.isEmpty() && !allowEmpty) {
            throw settings.problem(key, requirement + " (" + meaning + ") but is empty");
        }
        List<Integer> sizes = new ArrayList<>(values.size());
        for (double v : values) {
            if (v != Math.rint(v) || v < 1 || v > Integer.MAX_VALUE) {
                throw settings.problem(
                        key, requirement + " (" + meaning + ") but holds " + render(v));
            }
            sizes.add((int) v);
        }
        return List.copyOf(sizes);
    }

    private static String render(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : Double.toString(v);
    }
}
