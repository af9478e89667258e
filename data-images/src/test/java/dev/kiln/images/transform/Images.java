package dev.kiln.images.transform;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.Settings;

/** Small hand-made images and transforms made from one entry's HOCON, for the tests. */
final class Images {

    /** The path entries made here report in messages. */
    static final String PATH = "kiln.data.train.transforms[0]";

    /** Where a value of such an entry is reported, with its path: {@code test: <path>}. */
    static final String AT = "test: " + PATH;

    private Images() {}

    /**
     * @param channels channels
     * @param height rows
     * @param width columns
     * @param values the values, channel by channel, row by row
     * @return the image
     */
    static HostImage of(int channels, int height, int width, float... values) {
        return new HostImage(new ImageShape(channels, height, width), values);
    }

    /**
     * @return an image whose value at (c, y, x) is its index {@code (c * height + y) * width + x}
     */
    static HostImage ramp(int channels, int height, int width) {
        float[] values = new float[channels * height * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return of(channels, height, width, values);
    }

    /**
     * @param hocon the entry's keys other than type, such as {@code size = [2, 3]}
     * @return the entry's settings, at {@link #PATH}
     */
    static Settings entry(String hocon) {
        return Settings.of(
                ConfigFactory.parseString(
                        hocon, ConfigParseOptions.defaults().setOriginDescription("test")),
                PATH);
    }

    /**
     * @param provider the provider
     * @param hocon the entry's keys
     * @return the transform it creates
     */
    static ImageTransform create(TransformProvider provider, String hocon) {
        return provider.create(entry(hocon));
    }
}
