package dev.kiln.eval;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.evaluation.ExpectedResultsException;
import dev.kiln.evaluation.ResultsTable;
import dev.kiln.spi.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One result a run must reach, after detectron2's {@code TEST.EXPECTED_RESULTS}: the metric's
 * value must be within {@code tolerance} of {@code value}. Written in the config as {@code
 * kiln.eval.expected-results = [{ metric = test/accuracy, value = 0.97, tolerance = 0.02 }]}.
 *
 * @param metric the result's full name, such as {@code test/accuracy}
 * @param value the value expected
 * @param tolerance how far from {@code value} the result may be, at least 0
 */
public record ExpectedResult(String metric, double value, double tolerance) {

    /** The config key the expected results are read from. */
    public static final String KEY = "kiln.eval.expected-results";

    private static final Set<String> KEYS = Set.of("metric", "value", "tolerance");

    /** Checks the parts. */
    public ExpectedResult {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("an expected result needs a metric");
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "an expected result needs a finite value and a tolerance >= 0, got value "
                            + value
                            + " and tolerance "
                            + tolerance);
        }
    }

    /**
     * Reads the list of expected results.
     *
     * @param list the value of {@value #KEY}
     * @return the expected results, in order
     * @throws IllegalArgumentException naming the element, the file and line, when one is not an
     *     object with a string {@code metric} and numbers {@code value} and {@code tolerance}
     */
    public static List<ExpectedResult> parse(ConfigList list) {
        List<ExpectedResult> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue element = list.get(i);
            String path = KEY + "[" + i + "]";
            String location = Settings.location(element.origin());
            String where = location == null ? "" : " (" + location + ")";
            if (element.valueType() != ConfigValueType.OBJECT) {
                throw new IllegalArgumentException(
                        path
                                + " must be an object { metric, value, tolerance }, was "
                                + element.valueType().name().toLowerCase()
                                + where);
            }
            ConfigObject object = (ConfigObject) element;
            for (String key : object.keySet()) {
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException(
                            path
                                    + " has the unknown key \""
                                    + key
                                    + "\"; known: metric, value, tolerance"
                                    + where);
                }
            }
            try {
                var config = object.toConfig();
                out.add(
                        new ExpectedResult(
                                config.getString("metric"),
                                config.getDouble("value"),
                                config.getDouble("tolerance")));
            } catch (ConfigException e) {
                throw new IllegalArgumentException(
                        path
                                + " must be { metric = <name>, value = <number>, tolerance ="
                                + " <number>}: "
                                + e.getMessage(),
                        e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ": " + e.getMessage() + where, e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * @param results the results by full name
     * @return what is wrong, if this result is missed: the metric, what was expected and what
     *     came; empty when the result is within tolerance
     */
    public Optional<String> miss(Map<String, Double> results) {
        String expected = metric + ": expected " + value + " ± " + tolerance;
        Double got = results.get(metric);
        if (got == null) {
            return Optional.of(
                    expected
                            + ", got nothing: there is no such result; results: "
                            + String.join(", ", results.keySet()));
        }
        if (!(Math.abs(got - value) <= tolerance)) {
            return Optional.of(
                    expected
                            + ", got "
                            + got
                            + " ("
                            + ResultsTable.format(got)
                            + ", off by "
                            + ResultsTable.format(Math.abs(got - value))
                            + ")");
        }
        return Optional.empty();
    }

    /**
     * Checks results against every expected one.
     *
     * @param expected the expected results
     * @param results the results by full name
     * @throws ExpectedResultsException listing every miss
     */
    public static void check(List<ExpectedResult> expected, Map<String, Double> results) {
        List<String> misses = new ArrayList<>();
        for (ExpectedResult e : expected) {
            e.miss(results).ifPresent(misses::add);
        }
        if (!misses.isEmpty()) {
            throw new ExpectedResultsException(misses);
        }
    }
}
