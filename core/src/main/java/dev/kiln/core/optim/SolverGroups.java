package dev.kiln.core.optim;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.kiln.optim.ParameterGroup;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code kiln.solver.freeze} and {@code kiln.solver.param-groups}. Both match Java regular
 * expressions against the whole name of a parameter, as the keys of {@code
 * model.getParameters()} spell it (such as {@code 01hidden1_weight}): {@code .*hidden1_.*}
 * matches the first hidden layer of an {@code mlp}, {@code hidden1} alone matches nothing.
 */
public final class SolverGroups {

    private static final Logger LOG = LoggerFactory.getLogger(SolverGroups.class);

    private static final String PATH = "kiln.solver";
    private static final Set<String> GROUP_KEYS = Set.of("match", "lr-factor", "weight-decay");

    private SolverGroups() {}

    /**
     * Freezes the parameters {@code kiln.solver.freeze} matches ({@link Parameter#freeze}): they
     * get no gradient, so the optimizer neither updates them nor keeps state for them. Logs a
     * warning for each pattern that matches no parameter.
     *
     * @param model the initialized model
     * @param solver the section {@code kiln.solver}
     * @return the names of the frozen parameters, in the model's order
     * @throws SettingsException for a pattern that is not a string or not a valid regular
     *     expression, or when the patterns match every parameter that has a gradient (nothing
     *     would train)
     */
    public static List<String> freeze(Block model, Config solver) {
        List<Pattern> patterns = freezePatterns(solver);
        if (patterns.isEmpty()) {
            return List.of();
        }
        ParameterList parameters = model.getParameters();
        List<String> frozen = new ArrayList<>();
        boolean[] used = new boolean[patterns.size()];
        for (int p = 0; p < parameters.size(); p++) {
            String name = parameters.keyAt(p);
            boolean match = false;
            for (int i = 0; i < patterns.size(); i++) {
                if (patterns.get(i).matcher(name).matches()) {
                    used[i] = true;
                    match = true;
                }
            }
            if (match) {
                frozen.add(name);
            }
        }
        for (int i = 0; i < patterns.size(); i++) {
            if (!used[i]) {
                LOG.warn(
                        "{}.freeze: \"{}\" matches no parameter (it must match a whole name;"
                                + " the parameters are {})",
                        PATH,
                        patterns.get(i).pattern(),
                        parameters.keys());
            }
        }
        boolean trainableLeft = false;
        for (int p = 0; p < parameters.size(); p++) {
            trainableLeft |=
                    parameters.valueAt(p).requiresGradient()
                            && !frozen.contains(parameters.keyAt(p));
        }
        if (!trainableLeft) {
            throw Settings.of(solver, PATH)
                    .problem(
                            "freeze",
                            "matches every trainable parameter of the model ("
                                    + String.join(", ", frozen)
                                    + "), so nothing would train; leave at least one out");
        }
        for (String name : frozen) {
            parameters.get(name).freeze(true);
        }
        if (!frozen.isEmpty()) {
            LOG.info("Frozen ({}.freeze): {}", PATH, frozen);
        }
        return frozen;
    }

    /**
     * Reads the patterns of {@code kiln.solver.freeze}.
     *
     * @param solver the section {@code kiln.solver}
     * @return the compiled patterns, in order
     * @throws SettingsException for a pattern that is not a string or not a valid regular
     *     expression
     */
    public static List<Pattern> freezePatterns(Config solver) {
        List<Pattern> patterns = new ArrayList<>();
        List<? extends ConfigValue> written =
                solver.hasPath("freeze") ? solver.getList("freeze") : List.of();
        for (int i = 0; i < written.size(); i++) {
            patterns.add(pattern(written.get(i), PATH + ".freeze[" + i + "]"));
        }
        return patterns;
    }

    /**
     * The running statistics to keep fixed: those of a normalization layer whose running mean or
     * variance was frozen itself, or whose {@code gamma} or {@code beta} was (the parameter of the
     * same name prefix, such as {@code 02bn1_gamma} for {@code 02bn1_runningMean}).
     *
     * @param model the model
     * @param frozen the names of the frozen parameters
     * @return the running-mean and running-variance parameters to keep fixed
     */
    public static List<Parameter> frozenStatistics(Block model, List<String> frozen) {
        ParameterList parameters = model.getParameters();
        Set<String> names = Set.copyOf(frozen);
        List<Parameter> statistics = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter parameter = parameters.valueAt(i);
            String name = parameters.keyAt(i);
            Parameter.Type type = parameter.getType();
            if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
                continue;
            }
            String suffix = parameter.getName();
            String prefix =
                    name.endsWith(suffix)
                            ? name.substring(0, name.length() - suffix.length())
                            : null;
            if (names.contains(name)
                    || (prefix != null
                            && (names.contains(prefix + "gamma")
                                    || names.contains(prefix + "beta")))) {
                statistics.add(parameter);
            }
        }
        return statistics;
    }

    /**
     * Reads {@code kiln.solver.param-groups}: a list of {@code { match = REGEX, lr-factor = 1.0,
     * weight-decay = ... }}, {@code lr-factor} and {@code weight-decay} optional.
     *
     * @param solver the section {@code kiln.solver}
     * @return the groups in order (first match wins)
     * @throws SettingsException for an entry that is not an object, an unknown key, a missing or
     *     invalid {@code match}, or a negative {@code lr-factor} or {@code weight-decay}
     */
    public static List<ParameterGroup> paramGroups(Config solver) {
        if (!solver.hasPath("param-groups")) {
            return List.of();
        }
        List<? extends ConfigValue> written = solver.getList("param-groups");
        List<ParameterGroup> groups = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            String path = PATH + ".param-groups[" + i + "]";
            ConfigValue value = written.get(i);
            if (value.valueType() != ConfigValueType.OBJECT) {
                throw new SettingsException(
                        Settings.location(value.origin()),
                        path,
                        "expected an object such as { match = \".*output_.*\", lr-factor = 0.1 }"
                                + " but got a "
                                + value.valueType().name().toLowerCase(java.util.Locale.ROOT));
            }
            Config entry = ((com.typesafe.config.ConfigObject) value).toConfig();
            Settings settings = Settings.of(entry, path);
            settings.checkKnownKeys(GROUP_KEYS);
            if (!entry.hasPath("match")) {
                settings.string("match"); // reports it missing
            }
            Pattern match = pattern(entry.getValue("match"), settings.fullKey("match"));
            float lrFactor =
                    entry.hasPath("lr-factor")
                            ? (float) settings.doubleAtLeast("lr-factor", 0)
                            : 1f;
            Float weightDecay =
                    entry.hasPath("weight-decay")
                            ? (float) settings.doubleAtLeast("weight-decay", 0)
                            : null;
            groups.add(new ParameterGroup(match, lrFactor, weightDecay));
        }
        return groups;
    }

    /**
     * Warns of each group that matches no parameter of the model.
     *
     * @param model the model
     * @param groups the groups
     */
    public static void warnUnused(Block model, List<ParameterGroup> groups) {
        List<String> names = model.getParameters().keys();
        for (int i = 0; i < groups.size(); i++) {
            ParameterGroup group = groups.get(i);
            if (names.stream().noneMatch(group::matches)) {
                LOG.warn(
                        "{}.param-groups[{}]: match \"{}\" matches no parameter (it must match a"
                                + " whole name; the parameters are {})",
                        PATH,
                        i,
                        group.match().pattern(),
                        names);
            }
        }
    }

    private static Pattern pattern(ConfigValue value, String key) {
        String location = Settings.location(value.origin());
        if (value.valueType() != ConfigValueType.STRING) {
            throw new SettingsException(
                    location,
                    key,
                    "expected a regular expression (a string) but got a "
                            + value.valueType().name().toLowerCase(java.util.Locale.ROOT));
        }
        String regex = (String) value.unwrapped();
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new SettingsException(
                    location,
                    key,
                    "invalid regular expression \""
                            + regex
                            + "\": "
                            + e.getDescription()
                            + " near index "
                            + e.getIndex());
        }
    }
}
