package dev.kiln.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The default {@code kiln.hooks} and {@code kiln.writers}, made of what each {@code reference.conf}
 * contributes, as detectron2's {@code DefaultTrainer} enables its hooks and writers by default. A
 * jar adds its extensions to {@value #KEY}, each with a rank that orders the list whatever the
 * order of the jars:
 *
 * <pre>{@code
 * kiln-defaults.hooks += { name = greeter, order = 450 }
 * }</pre>
 *
 * Removing a plugin jar removes its defaults. Each entry of the resulting lists keeps the origin
 * of its contribution (the {@code reference.conf} and line), for {@code kiln config}.
 */
public final class DefaultLists {

    /** The top-level section holding the contributions. */
    public static final String KEY = "kiln-defaults";

    /** The lists made from contributions: {@code kiln-defaults.<list>} becomes {@code kiln.<list>}. */
    public static final List<String> LISTS = List.of("hooks", "writers");

    private DefaultLists() {}

    private record Entry(String name, double order, ConfigValue source) {}

    /**
     * @param resolved the merged {@code reference.conf} files, resolved as far as they resolve on
     *     their own
     * @return a config holding {@code kiln.hooks} and {@code kiln.writers} for the contributed
     *     lists (those without contributions are left out)
     */
    public static Config of(Config resolved) {
        Config lists = ConfigFactory.empty();
        for (String list : LISTS) {
            String path = KEY + "." + list;
            if (!resolved.hasPath(path)
                    || resolved.getValue(path).valueType() != ConfigValueType.LIST) {
                continue;
            }
            List<Entry> entries = new ArrayList<>();
            for (ConfigValue value : resolved.getList(path)) {
                if (value.valueType() != ConfigValueType.OBJECT) {
                    continue;
                }
                Config c = ((ConfigObject) value).toConfig();
                if (c.hasPath("name")) {
                    double order = c.hasPath("order") ? c.getDouble("order") : Double.MAX_VALUE;
                    entries.add(new Entry(c.getString("name"), order, value));
                }
            }
            entries.sort(Comparator.comparingDouble(Entry::order));
            List<ConfigValue> names = new ArrayList<>();
            for (Entry e : entries) {
                names.add(ConfigValueFactory.fromAnyRef(e.name()).withOrigin(e.source().origin()));
            }
            lists =
                    lists.withValue(
                            "kiln." + list,
                            ConfigValueFactory.fromIterable(names)
                                    .withOrigin(
                                            ConfigValueFactory.fromAnyRef(
                                                            "",
                                                            "the defaults of the installed jars")
                                                    .origin()));
        }
        return lists;
    }
}
