package dev.kiln.models;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import dev.kiln.spi.Settings;
import java.util.Map;

/**
 * The settings of a model type, read as a plugin's model reads them: the keys written next to the
 * type in {@code kiln.model} first, then the type's own defaults in {@code kiln.<type>}.
 *
 * <p>Core's {@code reference.conf} puts the built-in {@code mlp}'s defaults ({@code hidden-sizes},
 * {@code activation}, {@code dropout}) into {@code kiln.model} whatever the type, so a value there
 * may be the {@code mlp}'s default rather than something the user wrote. A value of {@code
 * kiln.model} that is exactly a {@code reference.conf} default (the same value from the same
 * place) is therefore left out, and the type's own default applies: {@code kiln.model.type = cnn}
 * gets the cnn's {@code hidden-sizes}, not the mlp's.
 */
final class ModelSection {

    private ModelSection() {}

    /**
     * @param kiln the whole {@code kiln} tree
     * @param referenceDefaults the merged defaults of every {@code reference.conf} (the {@code
     *     kiln} tree)
     * @param section the type's own section {@code kiln.<type>}, its defaults
     * @param type the type's name, such as {@code cnn}
     * @return settings reading {@code kiln.model} (without another type's defaults), then {@code
     *     kiln.<type>}
     */
    static Settings read(Config kiln, Config referenceDefaults, Config section, String type) {
        Config model = kiln.hasPath("model") ? kiln.getConfig("model") : null;
        Config defaults =
                referenceDefaults.hasPath("model") ? referenceDefaults.getConfig("model") : null;
        if (model != null && defaults != null) {
            for (Map.Entry<String, ConfigValue> entry : model.entrySet()) {
                String key = entry.getKey();
                if (defaults.hasPath(key) && isSame(entry.getValue(), defaults.getValue(key))) {
                    model = model.withoutPath(key);
                }
            }
        }
        return Settings.of(model, "kiln.model").withDefaults(section, "kiln." + type);
    }

    private static boolean isSame(ConfigValue value, ConfigValue reference) {
        return value.equals(reference) && value.origin().equals(reference.origin());
    }
}
