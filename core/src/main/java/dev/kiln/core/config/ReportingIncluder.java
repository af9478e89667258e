package dev.kiln.core.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Handles the {@code include} statements of one user config file the way Typesafe Config does,
 * except that an include that finds nothing is a problem, not silently an empty object: Typesafe
 * Config ignores a missing {@code include "x.conf"} (only {@code include required(...)} fails), so
 * a misspelled name would quietly drop the settings it was meant to bring. The problem names the
 * including file and line, the include as written and where it was looked for:
 *
 * <pre>
 * examples/x.conf:3: include "missing.conf": no such file (relative to examples/)
 * </pre>
 *
 * <p>An include relative to the file ({@code include "name"}) is read from the file's folder; when
 * no such file exists it may still name a class path resource, as in Typesafe Config. A name without
 * the extension {@code .conf}, {@code .json} or {@code .properties} reads every one of those that
 * exists. {@code include file("...")} is relative to the working directory, {@code include
 * classpath("...")} reads resources. A URL ({@code include url("...")}, or a quoted name that is
 * one) is read only when it is a {@code file:} URL: a config names files, and reading it never
 * reaches the network (see docs/security.md); any other URL is a problem that says so. Each file
 * included is read with an includer of its own, so that a missing include in it names it.
 */
final class ReportingIncluder
        implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderClasspath, ConfigIncluderURL {

    private static final String[] EXTENSIONS = {".conf", ".json", ".properties"};
    private static final ConfigSyntax[] SYNTAXES = {
        ConfigSyntax.CONF, ConfigSyntax.JSON, ConfigSyntax.PROPERTIES
    };

    private final Path file;
    private final List<ConfigProblem> problems;
    private final ConfigIncluder fallback;

    /** Per include as written, how many were reported: the next one is on a later line. */
    private final Map<String, Integer> reported;

    /**
     * @param file the file whose includes this handles
     * @param problems where missing includes are reported
     */
    ReportingIncluder(Path file, List<ConfigProblem> problems) {
        this(file, problems, null, new HashMap<>());
    }

    private ReportingIncluder(
            Path file,
            List<ConfigProblem> problems,
            ConfigIncluder fallback,
            Map<String, Integer> reported) {
        this.file = file;
        this.problems = problems;
        this.fallback = fallback;
        this.reported = reported;
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder next) {
        if (next == fallback) {
            return this;
        }
        ConfigIncluder chained = fallback == null ? next : fallback.withFallback(next);
        return new ReportingIncluder(file, problems, chained, reported);
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        URL url = asUrl(what);
        if (url != null) {
            return include(context, url, "include \"" + what + "\"");
        }
        Path base = file.toAbsolutePath().getParent();
        Path named = Path.of(what);
        Map<Path, ConfigSyntax> candidates =
                candidates(named.isAbsolute() || base == null ? named : base.resolve(what), what);
        Map<Path, ConfigSyntax> found = existing(candidates);
        if (!found.isEmpty()) {
            return parse(context, found);
        }
        if (onClassPath(context, what)) {
            return fallback.include(context, what);
        }
        String where = named.isAbsolute() ? "" : " (relative to " + folderAsWritten() + ")";
        return missing("include \"" + what + "\"", "no such file" + where);
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
        Map<Path, ConfigSyntax> found = existing(candidates(what.toPath(), what.getName()));
        if (!found.isEmpty()) {
            return parse(context, found);
        }
        String where = what.isAbsolute() ? "" : " (relative to the working directory)";
        return missing("include file(\"" + what + "\")", "no such file" + where);
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
        if (onClassPath(context, what)) {
            return ((ConfigIncluderClasspath) fallback).includeResources(context, what);
        }
        return missing("include classpath(\"" + what + "\")", "no such resource");
    }

    /** The files Typesafe Config would read for the name: itself, or each known extension added. */
    private static Map<Path, ConfigSyntax> candidates(Path path, String name) {
        Map<Path, ConfigSyntax> candidates = new LinkedHashMap<>();
        for (int i = 0; i < EXTENSIONS.length; i++) {
            if (name.endsWith(EXTENSIONS[i])) {
                candidates.put(path, SYNTAXES[i]);
                return candidates;
            }
        }
        for (int i = 0; i < EXTENSIONS.length; i++) {
            candidates.put(Path.of(path + EXTENSIONS[i]), SYNTAXES[i]);
        }
        return candidates;
    }

    private static Map<Path, ConfigSyntax> existing(Map<Path, ConfigSyntax> candidates) {
        Map<Path, ConfigSyntax> found = new LinkedHashMap<>();
        candidates.forEach(
                (path, syntax) -> {
                    if (Files.isRegularFile(path)) {
                        found.put(path, syntax);
                    }
                });
        return found;
    }

    /** Parses each file found, each with an includer of its own; the first found wins. */
    private ConfigObject parse(ConfigIncludeContext context, Map<Path, ConfigSyntax> found) {
        ConfigObject merged = null;
        for (Map.Entry<Path, ConfigSyntax> entry : found.entrySet()) {
            Path included = entry.getKey();
            ConfigParseOptions options =
                    context.parseOptions()
                            .setSyntax(entry.getValue())
                            .setAllowMissing(false)
                            .setIncluder(new ReportingIncluder(included, problems));
            ConfigObject parsed = ConfigFactory.parseFile(included.toFile(), options).root();
            merged = merged == null ? parsed : merged.withFallback(parsed);
        }
        return merged;
    }

    private static boolean onClassPath(ConfigIncludeContext context, String what) {
        ClassLoader loader = context.parseOptions().getClassLoader();
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        if (loader == null) {
            loader = ReportingIncluder.class.getClassLoader();
        }
        String resource = what.startsWith("/") ? what.substring(1) : what;
        for (Path candidate : candidates(Path.of(resource), resource).keySet()) {
            if (loader.getResource(candidate.toString().replace(File.separatorChar, '/')) != null) {
                return true;
            }
        }
        return false;
    }

    private ConfigObject missing(String include, String why) {
        int line = lineOf(include);
        String name = file.toString();
        if (name.startsWith("./")) {
            name = name.substring(2);
        }
        String location = line > 0 ? name + ":" + line : name;
        problems.add(new ConfigProblem(location, null, include + ": " + why));
        return ConfigFactory.empty(location).root();
    }

    /**
     * Finds the line of the include, counting the ones already reported, so that two missing
     * includes of one name are reported at their own lines.
     *
     * @return the line number, or -1 when the text cannot be matched
     */
    private int lineOf(String include) {
        int seen = reported.merge(include, 1, Integer::sum);
        String quoted = include.substring(include.indexOf('"'));
        quoted = quoted.substring(0, quoted.lastIndexOf('"') + 1);
        Pattern statement = Pattern.compile("\\binclude\\b.*" + Pattern.quote(quoted));
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        int match = 0;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.startsWith("#") || text.startsWith("//")) {
                continue;
            }
            if (statement.matcher(text).find() && ++match == seen) {
                return i + 1;
            }
        }
        return -1;
    }

    /** @return the including file's folder as the user wrote it, ending with a slash */
    private String folderAsWritten() {
        Path parent = file.getParent();
        String folder = parent == null ? "." : parent.toString();
        return folder.endsWith("/") ? folder : folder + "/";
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
        return include(context, what, "include url(\"" + what + "\")");
    }

    /** A {@code file:} URL is the file it names; any other URL is refused. */
    private ConfigObject include(ConfigIncludeContext context, URL url, String include) {
        if (!"file".equalsIgnoreCase(url.getProtocol())) {
            return missing(
                    include,
                    "Kiln reads configs from files only, never from the network; download it and"
                            + " include the file");
        }
        File named;
        try {
            named = new File(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return missing(include, "not a file name: " + e.getMessage());
        }
        Map<Path, ConfigSyntax> found = existing(candidates(named.toPath(), named.getName()));
        if (!found.isEmpty()) {
            return parse(context, found);
        }
        return missing(include, "no such file");
    }

    /** @return the URL the include names, or null when it is a file or resource name */
    private static URL asUrl(String what) {
        try {
            return new URL(what);
        } catch (MalformedURLException e) {
            return null;
        }
    }
}
