package dev.kiln.core.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.kiln.predict.InputException;
import dev.kiln.predict.InputReader;
import dev.kiln.predict.InputReaderProvider;
import dev.kiln.spi.KilnExtension;
import java.util.List;
import java.util.Map;

/**
 * The input reader {@code csv}: rows of feature cells, scaled with the statistics the {@code csv}
 * dataset fitted on its training rows. Its settings, as {@link #settings} writes them: {@code
 * delimiter}, {@code header}, and {@code scaling} with {@code method}, {@code shift} and {@code
 * scale} (one number per feature).
 */
@KilnExtension(name = "csv", description = "rows of feature cells, scaled as in training")
public final class CsvInputReaderProvider implements InputReaderProvider {

    /** The name datasets give in their prediction input to be read by this reader. */
    public static final String NAME = "csv";

    @Override
    public InputReader create(Config settings) {
        try {
            String delimiter = settings.getString("delimiter");
            if (delimiter.length() != 1) {
                throw new InputException(
                        "delimiter must be one character, got \"" + delimiter + "\"");
            }
            Config scaling = settings.getConfig("scaling");
            ScalingStats stats =
                    new ScalingStats(
                            FeatureScaling.fromName(scaling.getString("method")),
                            floats(scaling.getDoubleList("shift")),
                            floats(scaling.getDoubleList("scale")));
            return new CsvInputReader(stats, delimiter.charAt(0), settings.getBoolean("header"));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new InputException("the csv preprocessing is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * The settings that give back a reader of rows as a dataset with this scaling reads them.
     *
     * @param scaling the statistics fitted on the training rows
     * @param delimiter the cell separator
     * @param header whether files of rows start with a header line
     * @return settings holding only JSON values
     */
    static Config settings(ScalingStats scaling, char delimiter, boolean header) {
        return ConfigFactory.parseMap(
                Map.of(
                        "delimiter",
                        String.valueOf(delimiter),
                        "header",
                        header,
                        "scaling",
                        Map.of(
                                "method",
                                scaling.method().configName(),
                                "shift",
                                doubles(scaling.shift()),
                                "scale",
                                doubles(scaling.scale()))));
    }

    private static List<Double> doubles(float[] values) {
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = (double) values[i]; // exact: a float is a double, and prints back exactly
        }
        return List.of(boxed);
    }

    private static float[] floats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }
}
