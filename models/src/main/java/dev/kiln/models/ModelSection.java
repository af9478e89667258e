package dev.kiln.models;

import com.typesafe.config.Config;
import dev.kiln.spi.Settings;

/**
 * The settings of a model type, read as a plugin's model reads them: the keys written next to the
 * type in {@code kiln.model} first, then the type's own defaults in {@code kiln.<type>}. (Core
 * leaves the built-in {@code mlp}'s defaults out of {@code kiln.model} when another type is
 * selected, so {@code kiln.model.type = cnn} gets the cnn's {@code hidden-sizes}.)
 */
final class ModelSection {

    private ModelSection() {}

    /**
     * @param kiln the whole {@code kiln} tree
     * @param section the type's own section {@code kiln.<type>}, its defaults
     * @param type the type's name, such as {@code cnn}
     * @return settings reading {@code kiln.model}, then {@code kiln.<type>}
     */
    static Settings read(Config kiln, Config section, String type) {
        Config model = kiln.hasPath("model") ? kiln.getConfig("model") : null;
        return Settings.of(model, "kiln.model").withDefaults(section, "kiln." + type);
    }
}
