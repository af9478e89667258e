package dev.kiln.example;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The keys Kiln's {@code reference.conf} files declare (everything under {@code kiln}, and the
 * top-level {@code kiln-open-sections}), each with its default, read from the class path or from
 * jars. A key is a leaf: a scalar, a list, {@code null} or an empty object.
 */
final class ReferenceKeys {

    /** The top-level keys that are Kiln's; other libraries' reference.conf keys are ignored. */
    private static final List<String> ROOTS = List.of("kiln", "kiln-open-sections");

    /**
     * One declared key.
     *
     * @param path the full key path, such as {@code kiln.solver.base-lr}
     * @param defaultValue the default rendered as HOCON, such as {@code 0.05} or {@code "PyTorch"}
     * @param source where it was declared
     */
    record Key(String path, String defaultValue, String source) {}

    private ReferenceKeys() {}

    /**
     * @param loader a class loader
     * @return the keys of every {@code reference.conf} it sees
     */
    static List<Key> onClassPath(ClassLoader loader) {
        List<Key> keys = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources("reference.conf"))) {
                keys.addAll(of(ConfigFactory.parseURL(url), url.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    /**
     * @param jar a jar file
     * @return the keys of its {@code reference.conf}, none if it has none
     */
    static List<Key> inJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry("reference.conf");
            if (entry == null) {
                return List.of();
            }
            try (Reader in =
                    new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8)) {
                return of(ConfigFactory.parseReader(in), jar.getFileName() + "!/reference.conf");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private static List<Key> of(Config parsed, String source) {
        Config resolved = parsed.resolve();
        List<Key> keys = new ArrayList<>();
        for (String root : ROOTS) {
            if (resolved.root().containsKey(root)) {
                walk(List.of(root), resolved.root().get(root), source, keys);
            }
        }
        return keys;
    }

    private static void walk(
            List<String> elements, ConfigValue value, String source, List<Key> keys) {
        if (value.valueType() == ConfigValueType.OBJECT && !((ConfigObject) value).isEmpty()) {
            ((ConfigObject) value)
                    .forEach(
                            (name, child) -> {
                                List<String> path = new ArrayList<>(elements);
                                path.add(name);
                                walk(path, child, source, keys);
                            });
        } else {
            keys.add(
                    new Key(
                            ConfigUtil.joinPath(elements),
                            value.render(ConfigRenderOptions.concise()),
                            source));
        }
    }
}
