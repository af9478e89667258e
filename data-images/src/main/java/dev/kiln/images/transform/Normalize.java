package dev.kiln.images.transform;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.Settings;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Subtracts a mean and divides by a standard deviation, channel by channel. */
final class Normalize implements ImageTransform {

    private final Settings settings;
    private final float[] mean;
    private final float[] std;

    /**
     * @param settings the entry, to report a mean or std for another number of channels
     * @param mean one value per channel; not modified, not kept
     * @param std one value per channel, each above 0; not modified, not kept
     */
    Normalize(Settings settings, float[] mean, float[] std) {
        this.settings = settings;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public ImageShape outputShape(ImageShape input) {
        check("mean", mean.length, input);
        check("std", std.length, input);
        return input;
    }

    private void check(String key, int values, ImageShape input) {
        if (values != input.channels()) {
            throw settings.problem(
                    key,
                    "has "
                            + TransformSettings.values(values)
                            + " but the image has "
                            + TransformSettings.channels(input.channels())
                            + "; give one value per channel");
        }
    }

    @Override
    public HostImage apply(HostImage image, SplittableRandom random) {
        ImageShape shape = outputShape(image.shape());
        float[] source = image.pixels();
        float[] out = new float[source.length];
        int plane = shape.height() * shape.width();
        for (int c = 0; c < shape.channels(); c++) {
            float m = mean[c];
            float s = std[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                out[i] = (source[i] - m) / s;
            }
        }
        return new HostImage(shape, out);
    }

    @Override
    public String toString() {
        return "normalize(mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }
}
