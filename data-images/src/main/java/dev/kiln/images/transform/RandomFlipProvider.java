package dev.kiln.images.transform;

import dev.kiln.data.image.ImageTransform;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import java.util.List;
import java.util.Set;

/**
 * The transform {@code random-flip}: {@code { type = random-flip, direction = horizontal, p = 0.5
 * }} mirrors the image left to right ({@code horizontal}, the default) or top to bottom ({@code
 * vertical}) with probability {@code p} (default 0.5), as torchvision's {@code
 * RandomHorizontalFlip} and {@code RandomVerticalFlip}. Each image takes exactly one value {@code
 * u} from its generator and is mirrored when {@code u < p}; otherwise it is returned as it is.
 */
@KilnExtension(
        name = "random-flip",
        description = "mirrors left to right (or top to bottom) with probability p")
public final class RandomFlipProvider implements TransformProvider {

    static final Set<String> KEYS = Set.of("type", "direction", "p");

    /** Creates the provider; Kiln does, from the services file. Each entry has its own settings. */
    public RandomFlipProvider() {}

    @Override
    public ImageTransform create(Settings settings) {
        settings.checkKnownKeys(KEYS);
        boolean vertical =
                settings.has("direction")
                        && settings.oneOf("direction", List.of("horizontal", "vertical"))
                                .equals("vertical");
        double p = settings.has("p") ? settings.between("p", 0, 1) : 0.5;
        return new RandomFlip(vertical, p);
    }
}
