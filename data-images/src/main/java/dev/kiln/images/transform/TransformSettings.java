package dev.kiln.images.transform;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import java.util.List;

/** Reads the values the transforms share: a size, a [min, max] range. */
final class TransformSettings {

    /** What a {@code size} must be, for messages. */
    static final String SIZE = "a whole number at least 1 or a list [height, width] of them";

    private TransformSettings() {}

    /**
     * Reads a size written as one number or as [height, width].
     *
     * @param settings an entry of a {@code transforms} list
     * @param key the key, such as {@code size}
     * @return one value (a number) or two (height, width), each at least 1
     * @throws SettingsException if it is missing or anything else
     */
    static int[] size(Settings settings, String key) {
        ConfigValue value = settings.config().root().get(key);
        if (value == null || value.valueType() == ConfigValueType.NULL) {
            throw new SettingsException(
                    value == null ? null : Settings.location(value.origin()),
                    settings.fullKey(key),
                    "required value missing; it must be " + SIZE);
        }
        if (value.valueType() == ConfigValueType.NUMBER) {
            return new int[] {settings.intAtLeast(key, 1)};
        }
        if (value.valueType() == ConfigValueType.LIST && ((ConfigList) value).size() == 2) {
            int[] size = new int[2];
            for (int i = 0; i < 2; i++) {
                Object element = ((ConfigList) value).get(i).unwrapped();
                if (!(element instanceof Number n)
                        || n.doubleValue() != Math.rint(n.doubleValue())
                        || n.doubleValue() < 1
                        || n.doubleValue() > Integer.MAX_VALUE) {
                    throw settings.problem(key, "must be " + SIZE + " but is " + render(value));
                }
                size[i] = n.intValue();
            }
            return size;
        }
        throw settings.problem(key, "must be " + SIZE + " but is " + render(value));
    }

    /**
     * Reads a size where one number means a square.
     *
     * @param settings an entry of a {@code transforms} list
     * @param key the key, such as {@code size}
     * @return height and width
     */
    static int[] squareOrPair(Settings settings, String key) {
        int[] size = size(settings, key);
        return size.length == 2 ? size : new int[] {size[0], size[0]};
    }

    /**
     * Reads a range [min, max] with 0 < min <= max (and max <= {@code upper}).
     *
     * @param settings an entry of a {@code transforms} list
     * @param key the key, such as {@code scale}
     * @param fallback the range when the key is not set
     * @param upper the largest valid max, {@code Double.POSITIVE_INFINITY} for none
     * @return min and max
     */
    static double[] range(Settings settings, String key, double[] fallback, double upper) {
        if (!settings.has(key)) {
            return fallback.clone();
        }
        String requirement =
                "must be a list [min, max] with 0 < min <= max"
                        + (Double.isInfinite(upper) ? "" : " <= " + upper);
        List<Double> values = settings.doubleList(key);
        if (values.size() != 2
                || !(values.get(0) > 0)
                || !(values.get(0) <= values.get(1))
                || !(values.get(1) <= upper)) {
            throw settings.problem(
                    key, requirement + " but is " + render(settings.config().root().get(key)));
        }
        return new double[] {values.get(0), values.get(1)};
    }

    /**
     * @param channels a number of channels
     * @return {@code 1 channel}, {@code 3 channels}
     */
    static String channels(int channels) {
        return channels + (channels == 1 ? " channel" : " channels");
    }

    /**
     * @param count a number of values
     * @return {@code 1 value}, {@code 3 values}
     */
    static String values(int count) {
        return count + (count == 1 ? " value" : " values");
    }

    /**
     * @param height rows
     * @param width columns
     * @return {@code heightxwidth}
     */
    static String extent(int height, int width) {
        return height + "x" + width;
    }

    private static String render(ConfigValue value) {
        return value.render(ConfigRenderOptions.concise());
    }
}
