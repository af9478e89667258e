package dev.kiln.images;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import dev.kiln.data.image.ImageShape;
import dev.kiln.images.transform.TransformList;
import dev.kiln.predict.InputException;
import dev.kiln.predict.InputReader;
import dev.kiln.predict.InputReaderProvider;
import dev.kiln.predict.PredictionInput;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input reader {@code image}: reads image files at prediction time exactly as the {@code
 * image-folder} and {@code idx} datasets read their test images. The datasets write its settings
 * into their {@link PredictionInput}; they hold only JSON values:
 *
 * <ul>
 *   <li>{@code channels}: 1 (grey) or 3 (RGB); every image is converted to this as {@link
 *       ImageFiles} converts it (a colour image turned grey with ITU-R 601 luma)
 *   <li>{@code height}, {@code width} (optional): the only size an input image may have; the
 *       {@code idx} dataset sets them to its files' image size, and an image of another size is
 *       refused rather than resized (resize it first, as the IDX images were); {@code
 *       image-folder} leaves them out, its transforms decide the size
 *   <li>{@code pixel-scaling}: {@value #DIVIDE_BY_MAX} (a stored value v of b bits becomes {@code v
 *       / (2^b - 1)}, as {@link ImageFiles} decodes, {@code image-folder}) or {@value #IDX_BYTES}
 *       (the decoded grey value rounded to the byte v an IDX file would store, then {@code v *
 *       (1/255f)}, as the {@code idx} dataset scales its bytes)
 *   <li>{@code transforms}: the deterministic transforms of the test pipeline, as the entries of a
 *       dataset's {@code transforms} list ({@code [{type = normalize, mean = [0.286], std =
 *       [0.353]}]}), created through the installed transform extensions
 *   <li>{@code example-shape}: {@code [channels, height, width]} of one example after the
 *       transforms, what the model reads
 * </ul>
 */
@KilnExtension(
        name = "image",
        description =
                "image files (PNG, JPEG, BMP, GIF) read as an image dataset's test images are")
public final class ImageInputReaderProvider implements InputReaderProvider {

    /** The reader's name, which the datasets write into their {@link PredictionInput}. */
    public static final String NAME = "image";

    /** {@code pixel-scaling} of {@code image-folder}: v / (2^bits - 1), as ImageFiles decodes. */
    public static final String DIVIDE_BY_MAX = "divide-by-max";

    /** {@code pixel-scaling} of {@code idx}: the grey byte v times 1/255f. */
    public static final String IDX_BYTES = "idx-bytes";

    /** Where a bad setting is said to be, in messages. */
    private static final String PATH = "preprocessing";

    private final Extensions extensions;

    /** @param extensions the installed extensions, for the transforms */
    @Inject
    public ImageInputReaderProvider(Extensions extensions) {
        this.extensions = extensions;
    }

    /**
     * Describes how a dataset's test images are read, for the {@code image} reader.
     *
     * @param channels 1 or 3
     * @param fixedSize the only size an input image may have ({@code [height, width]}), or null
     * @param pixelScaling {@link #DIVIDE_BY_MAX} or {@link #IDX_BYTES}
     * @param transforms the test transforms, made from a config
     * @param example the shape of one example after them
     * @param classNames the class names, by label
     * @return the prediction input
     * @throws IllegalArgumentException if the transforms were not made from a config
     */
    static PredictionInput describe(
            int channels,
            int[] fixedSize,
            String pixelScaling,
            TransformList transforms,
            ImageShape example,
            List<String> classNames) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("channels", channels);
        if (fixedSize != null) {
            settings.put("height", fixedSize[0]);
            settings.put("width", fixedSize[1]);
        }
        settings.put("pixel-scaling", pixelScaling);
        settings.put(
                "transforms",
                transforms
                        .entries()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "the transforms were not made from a config")));
        settings.put(
                "example-shape", List.of(example.channels(), example.height(), example.width()));
        return new PredictionInput(
                NAME, ConfigValueFactory.fromMap(settings).toConfig(), classNames);
    }

    @Override
    public InputReader create(Config config) {
        Settings settings = Settings.of(config, PATH);
        try {
            int channels = settings.intAtLeast("channels", 1);
            if (channels != 1 && channels != 3) {
                throw settings.problem("channels", "must be 1 or 3 but is " + channels);
            }
            int[] fixedSize = null;
            if (settings.has("height") || settings.has("width")) {
                fixedSize =
                        new int[] {
                            settings.intAtLeast("height", 1), settings.intAtLeast("width", 1)
                        };
            }
            String scaling = settings.oneOf("pixel-scaling", List.of(DIVIDE_BY_MAX, IDX_BYTES));
            if (scaling.equals(IDX_BYTES) && channels != 1) {
                throw settings.problem("pixel-scaling", IDX_BYTES + " needs channels = 1");
            }
            List<Integer> dims = config.getIntList("example-shape");
            if (dims.size() != 3) {
                throw settings.problem(
                        "example-shape", "must be [channels, height, width] but is " + dims);
            }
            ImageShape example = new ImageShape(dims.get(0), dims.get(1), dims.get(2));
            TransformList transforms = TransformList.create(settings, "transforms", extensions);
            return new ImageInputReader(channels, fixedSize, scaling, transforms, example);
        } catch (ConfigException | IllegalArgumentException e) {
            // a SettingsException (a bad value, named by its key) is an IllegalArgumentException
            throw new InputException(
                    "the image reader's settings are not those an image dataset writes: "
                            + e.getMessage(),
                    e);
        }
    }
}
