package dev.kiln.data.image;

import dev.kiln.spi.Settings;

/**
 * Creates an image transform by name, one entry of a dataset's {@code transforms} list ({@code {
 * type = random-crop, size = 28, padding = 4 }}). An implementation is a Kiln extension: it carries
 * {@code @KilnExtension("random-crop")} and is listed in {@code
 * META-INF/services/dev.kiln.data.image.TransformProvider}.
 */
public interface TransformProvider {

    /**
     * Creates the transform an entry describes.
     *
     * @param settings the entry, its path such as {@code kiln.data.train.transforms[2]}; the
     *     {@code type} key is the provider's name. Unknown keys should be rejected with {@link
     *     Settings#checkKnownKeys}.
     * @return the transform
     * @throws dev.kiln.spi.SettingsException for a missing or invalid setting
     */
    ImageTransform create(Settings settings);
}
