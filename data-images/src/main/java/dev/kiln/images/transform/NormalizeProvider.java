package dev.kiln.images.transform;

import dev.kiln.data.image.ImageTransform;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import java.util.List;
import java.util.Set;

/**
 * The transform {@code normalize}: {@code { type = normalize, mean = [0.485, 0.456, 0.406], std =
 * [0.229, 0.224, 0.225] }} maps each value {@code v} of channel {@code c} to {@code (v - mean[c]) /
 * std[c]}, computed in float as torchvision's {@code Normalize}. Both lists are required, with one
 * value per channel of the image (checked against the image's shape), every {@code std} above 0.
 */
@KilnExtension(name = "normalize", description = "(v - mean) / std, one mean and std per channel")
public final class NormalizeProvider implements TransformProvider {

    static final Set<String> KEYS = Set.of("type", "mean", "std");

    /** Creates the provider; Kiln does, from the services file. Each entry has its own settings. */
    public NormalizeProvider() {}

    @Override
    public ImageTransform create(Settings settings) {
        settings.checkKnownKeys(KEYS);
        float[] mean = values(settings, "mean");
        float[] std = values(settings, "std");
        for (float s : std) {
            if (!(s > 0)) {
                throw settings.problem(
                        "std", "every value must be greater than 0 but " + s + " is not");
            }
        }
        if (std.length != mean.length) {
            throw settings.problem(
                    "std",
                    "has "
                            + TransformSettings.values(std.length)
                            + " but mean has "
                            + TransformSettings.values(mean.length)
                            + "; give one of each per channel");
        }
        return new Normalize(settings, mean, std);
    }

    private static float[] values(Settings settings, String key) {
        List<Double> list = settings.doubleList(key);
        if (list.isEmpty()) {
            throw settings.problem(key, "must hold one value per channel but is empty");
        }
        float[] values = new float[list.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = list.get(i).floatValue();
            if (!Float.isFinite(values[i])) {
                throw settings.problem(key, "holds " + list.get(i) + ", beyond the range of float");
            }
        }
        return values;
    }
}
