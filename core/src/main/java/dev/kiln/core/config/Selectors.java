package dev.kiln.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * The config keys that select extensions by name, as the {@code reference.conf} files declare them
 * in the top-level list {@value #KEY}: each entry names the key, the extension point's kind, and
 * optionally the label messages use. Core declares its own ({@code kiln.hooks}, {@code
 * kiln.writers}, {@code kiln.model.type}, …); a plugin adds the keys of its own sections:
 *
 * <pre>{@code
 * kiln-selectors += { key = kiln.my-plugin.type, kind = model, label = "model type" }
 * }</pre>
 */
public final class Selectors {

    /** The top-level key of the list. */
    public static final String KEY = "kiln-selectors";

    /**
     * One key that selects extensions.
     *
     * @param key the full key, such as {@code kiln.hooks}; a list of names or one name
     * @param kind the extension point's kind, such as {@code hook}
     * @param label what messages call a name there, such as {@code hook} or {@code model type}
     */
    public record Selector(String key, String kind, String label) {}

    private Selectors() {}

    /**
     * @param reference the merged defaults
     * @return the declared selectors, in declaration order; malformed entries are left out
     */
    public static List<Selector> of(Config reference) {
        List<Selector> selectors = new ArrayList<>();
        if (!reference.hasPath(KEY)
                || reference.getValue(KEY).valueType() != ConfigValueType.LIST) {
            return selectors;
        }
        for (ConfigValue entry : reference.getList(KEY)) {
            if (entry.valueType() != ConfigValueType.OBJECT) {
                continue;
            }
            Config c = ((ConfigObject) entry).toConfig();
            if (c.hasPath("key") && c.hasPath("kind")) {
                String label = c.hasPath("label") ? c.getString("label") : c.getString("kind");
                selectors.add(new Selector(c.getString("key"), c.getString("kind"), label));
            }
        }
        return selectors;
    }
}
