package dev.kiln.core.plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the class names listed in a {@code META-INF/services/…} file, in the format {@link
 * java.util.ServiceLoader} defines: UTF-8, one binary class name per line, {@code #} starts a
 * comment, blanks are ignored.
 *
 * <p>Kiln reads these files itself instead of streaming {@code ServiceLoader}: on the class path,
 * {@code ServiceLoader.stream()} rejects a provider without a public no-argument constructor even
 * when only {@code Provider.type()} is asked for, and Kiln's extensions are created by Guice
 * through their {@code @Inject} constructors.
 */
final class ServiceFile {

    private ServiceFile() {}

    /**
     * @param url a service file
     * @return the class names it lists, in order
     * @throws PluginException if the file cannot be read or a line is not a class name
     */
    static List<String> classNames(URL url) {
        List<String> names = new ArrayList<>();
        try {
            URLConnection connection = url.openConnection();
            connection.setUseCaches(false); // a cached jar would stay open after its loader closes
            try (BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(
                                    connection.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                int number = 0;
                while ((line = in.readLine()) != null) {
                    number++;
                    int comment = line.indexOf('#');
                    String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!isBinaryName(name)) {
                        throw new PluginException(
                                url + " line " + number + ": \"" + name + "\" is not a class name");
                    }
                    if (!names.contains(name)) {
                        names.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new PluginException("cannot read " + url + ": " + e.getMessage(), e);
        }
        return names;
    }

    private static boolean isBinaryName(String name) {
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.codePointAt(0))) {
                return false;
            }
            if (!part.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }
}
