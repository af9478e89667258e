package dev.kiln.models;

import ai.djl.ndarray.types.Shape;
import dev.kiln.data.image.ImageShape;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;

/** The check that a model reading images gets examples shaped (channels, height, width). */
final class ImageInput {

    private ImageInput() {}

    /**
     * @param settings the model's settings, whose {@code type} key names the model
     * @param type the model's name, such as {@code cnn}
     * @param example the shape of one example, without the batch axis
     * @return the example's image shape
     * @throws SettingsException naming {@code kiln.model.type} when the examples are not images
     */
    static ImageShape of(Settings settings, String type, Shape example) {
        if (example.dimension() != 3 || hasEmptyAxis(example)) {
            throw settings.problem(
                    "type",
                    type
                            + " needs image-shaped examples (channels, height, width), as the"
                            + " image datasets of kiln-data-images give them, but the training"
                            + " data's examples have shape "
                            + example
                            + "; flat examples (csv, for instance) suit the mlp");
        }
        return new ImageShape(
                Math.toIntExact(example.get(0)),
                Math.toIntExact(example.get(1)),
                Math.toIntExact(example.get(2)));
    }

    private static boolean hasEmptyAxis(Shape shape) {
        for (long size : shape.getShape()) {
            if (size < 1 || size > Integer.MAX_VALUE) {
                return true;
            }
        }
        return false;
    }
}
