package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code docs/configuration.md} as the sync check reads it: every table row whose first cell is a
 * key path in backticks ({@code | `kiln.solver.base-lr` | `0.05` | learning rate ... |}), with its
 * default and its meaning.
 */
final class ConfigurationDoc {

    private static final Pattern ROW =
            Pattern.compile("^\\|\\s*`([a-z][a-z0-9.\\-]*)`\\s*\\|(.*)\\|(.*)\\|\\s*$");

    /** A documented key: its default as written and its meaning. */
    record Row(String defaultValue, String meaning, int line) {}

    private final Path file;
    private final Map<String, Row> rows;

    private ConfigurationDoc(Path file, Map<String, Row> rows) {
        this.file = file;
        this.rows = rows;
    }

    /** @return the documented keys of a file */
    static ConfigurationDoc read(Path file) {
        Map<String, Row> rows = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = ROW.matcher(lines.get(i));
                if (m.matches()) {
                    Row previous =
                            rows.put(
                                    m.group(1),
                                    new Row(m.group(2).strip(), m.group(3).strip(), i + 1));
                    assertThat(previous)
                            .as("%s:%d documents %s a second time", file, i + 1, m.group(1))
                            .isNull();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new ConfigurationDoc(file, rows);
    }

    /**
     * Asserts every key is documented with its default and a meaning; lists every problem at
     * once. A key declared by several files with different defaults (a list that plugins extend
     * with {@code +=}) is checked for presence only.
     *
     * @param keys the declared keys
     */
    void assertDocuments(List<ReferenceKeys.Key> keys) {
        Map<String, Set<String>> defaults =
                keys.stream()
                        .collect(
                                Collectors.groupingBy(
                                        ReferenceKeys.Key::path,
                                        LinkedHashMap::new,
                                        Collectors.mapping(
                                                ReferenceKeys.Key::defaultValue,
                                                Collectors.toCollection(TreeSet::new))));
        List<String> problems = new ArrayList<>();
        for (ReferenceKeys.Key key : keys) {
            Row row = rows.get(key.path());
            if (row == null) {
                problems.add(key.path() + " (from " + key.source() + ") has no row");
                continue;
            }
            if (row.meaning().isBlank()) {
                problems.add(key.path() + " (line " + row.line() + ") has no meaning");
            }
            if (defaults.get(key.path()).size() == 1
                    && !sameDefault(row.defaultValue(), key.defaultValue())) {
                problems.add(
                        key.path()
                                + " (line "
                                + row.line()
                                + ") says the default is "
                                + row.defaultValue()
                                + " but "
                                + key.source()
                                + " has "
                                + key.defaultValue());
            }
        }
        assertThat(problems.stream().distinct().toList())
                .as("keys of reference.conf files missing or wrong in %s", file)
                .isEmpty();
    }

    /**
     * Asserts every documented key is declared by one of the given keys: no row outlives its key.
     *
     * @param keys every key of every first-party reference.conf
     */
    void assertDocumentsNothingElse(List<ReferenceKeys.Key> keys) {
        Set<String> declared =
                keys.stream().map(ReferenceKeys.Key::path).collect(Collectors.toSet());
        List<String> stale =
                rows.entrySet().stream()
                        .filter(e -> !declared.contains(e.getKey()))
                        .map(e -> e.getKey() + " (line " + e.getValue().line() + ")")
                        .toList();
        assertThat(stale).as("rows of %s that no reference.conf declares", file).isEmpty();
    }

    /** @return the documented key paths */
    Set<String> keys() {
        return rows.keySet();
    }

    /**
     * Compares a default as written in Markdown with one rendered as HOCON: without backticks,
     * quotes and spaces, and numbers by value ({@code 1.0} is rendered {@code 1}).
     */
    private static boolean sameDefault(String documented, String rendered) {
        String a = normalize(documented);
        String b = normalize(rendered);
        if (a.equals(b)) {
            return true;
        }
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String normalize(String value) {
        return value.replace("`", "").replace("\"", "").replaceAll("\\s+", "");
    }
}
