package dev.kiln.lr;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import dev.kiln.lr.provider.CompositeScheduleProvider;
import dev.kiln.lr.provider.ConstantScheduleProvider;
import dev.kiln.lr.provider.CosineScheduleProvider;
import dev.kiln.lr.provider.ExponentialScheduleProvider;
import dev.kiln.lr.provider.LinearScheduleProvider;
import dev.kiln.lr.provider.MultiStepScheduleProvider;
import dev.kiln.lr.provider.PlateauScheduleProvider;
import dev.kiln.lr.provider.PolynomialScheduleProvider;
import dev.kiln.lr.provider.StepScheduleProvider;
import dev.kiln.lr.provider.StepWithFixedGammaScheduleProvider;
import dev.kiln.lr.schedule.WarmupSchedule;
import dev.kiln.schedule.InvalidScheduleException;
import dev.kiln.schedule.ParamSchedule;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.schedule.ScheduleSection;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.NameSuggester;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds a {@link ParamSchedule} from a schedule section such as {@code kiln.lr-schedule}: finds
 * the provider of its {@code type}, checks that the section sets only that type's keys, creates
 * the schedule (children of a composite the same way) and wraps it in its {@code warmup} when the
 * warmup's length is above 0. Every problem is an {@link IllegalArgumentException} whose message
 * names the file and line, the full key and what is valid.
 *
 * <pre>{@code
 * ParamSchedule schedule = ScheduleBuilder.builtIn(0.1).build(
 *         ConfigFactory.parseString("type = cosine, warmup.length = 0.05"), 1000);
 * }</pre>
 */
public final class ScheduleBuilder {

    /** The section of the learning-rate schedule. */
    public static final String SECTION = "kiln.lr-schedule";

    /** The section's key under {@code kiln}. */
    public static final String KEY = "lr-schedule";

    /** Keys every schedule type takes. */
    private static final Set<String> COMMON_KEYS = Set.of("type", "warmup");

    private final Set<String> types;
    private final Function<String, ScheduleProvider> create;
    private final Config defaults;
    private final double baseLr;
    private final Map<String, ScheduleProvider> providers = new HashMap<>();

    /**
     * @param types the known schedule types
     * @param create creates the provider of a known type
     * @param defaults the defaults of a schedule section (the merged {@code kiln.lr-schedule} of
     *     the {@code reference.conf} files), filling in the keys a section does not set
     * @param baseLr the base learning rate the values multiply
     */
    public ScheduleBuilder(
            Set<String> types,
            Function<String, ScheduleProvider> create,
            Config defaults,
            double baseLr) {
        this.types = new TreeSet<>(types);
        this.create = create;
        this.defaults = defaults;
        this.baseLr = baseLr;
    }

    /**
     * A builder of this module's schedules, with the defaults of the {@code reference.conf} files
     * on the class path, for use without a trainer.
     *
     * @param baseLr the base learning rate the values multiply
     * @return the builder
     */
    public static ScheduleBuilder builtIn(double baseLr) {
        Map<String, ScheduleProvider> builtIns = new LinkedHashMap<>();
        for (ScheduleProvider p :
                List.of(
                        new ConstantScheduleProvider(),
                        new CosineScheduleProvider(),
                        new LinearScheduleProvider(),
                        new ExponentialScheduleProvider(),
                        new PolynomialScheduleProvider(),
                        new StepScheduleProvider(),
                        new MultiStepScheduleProvider(),
                        new StepWithFixedGammaScheduleProvider(),
                        new CompositeScheduleProvider(),
                        new PlateauScheduleProvider())) {
            builtIns.put(p.getClass().getAnnotation(KilnExtension.class).name(), p);
        }
        Config reference = ConfigFactory.defaultReference(ScheduleBuilder.class.getClassLoader());
        return new ScheduleBuilder(
                builtIns.keySet(), builtIns::get, reference.getConfig(SECTION), baseLr);
    }

    /**
     * Builds the top-level schedule, {@value #SECTION}.
     *
     * @param section the section; keys it does not set take the defaults
     * @param maxIter the iterations of the run
     * @return the schedule, wrapped in its warmup if it has one
     * @throws IllegalArgumentException naming the key, its location and what is valid
     */
    public ParamSchedule build(Config section, long maxIter) {
        Config filled = section.withFallback(defaults);
        if (!filled.hasPath("type")) {
            throw new IllegalArgumentException(SECTION + ".type: missing; known: " + known());
        }
        ScheduleProvider provider = provider(filled, SECTION);
        for (String key : new TreeSet<>(section.root().keySet())) {
            ConfigValue value = section.root().get(key);
            boolean isDefault = value.equals(defaults.root().get(key));
            if (!isDefault && !allowed(provider, key)) {
                throw foreignKey(provider, filled, SECTION, key, value);
            }
        }
        return create(provider, filled, SECTION, maxIter);
    }

    private ParamSchedule buildChild(Config child, String path, long maxIter) {
        if (!child.hasPath("type")) {
            throw new IllegalArgumentException(
                    location(child.origin())
                            + path
                            + ": a schedule needs a type; known: "
                            + known());
        }
        ScheduleProvider provider = provider(child, path);
        for (String key : new TreeSet<>(child.root().keySet())) {
            if (!allowed(provider, key)) {
                throw foreignKey(provider, child, path, key, child.root().get(key));
            }
        }
        Config filled = child.withFallback(defaults.withoutPath("type"));
        return create(provider, filled, path, maxIter);
    }

    private ParamSchedule create(
            ScheduleProvider provider, Config filled, String path, long maxIter) {
        try {
            ParamSchedule schedule = provider.create(new Section(filled, path, maxIter));
            double length = filled.getDouble("warmup.length");
            if (length == 0) {
                return schedule;
            }
            return new WarmupSchedule(
                    schedule,
                    length,
                    filled.getDouble("warmup.factor"),
                    WarmupSchedule.Method.parse(filled.getString("warmup.method")));
        } catch (InvalidScheduleException e) {
            String key = e.key();
            ConfigOrigin origin =
                    filled.hasPath(key) ? filled.getValue(key).origin() : filled.origin();
            throw new IllegalArgumentException(
                    location(origin) + path + "." + key + ": " + e.problem(), e);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private ScheduleProvider provider(Config section, String path) {
        ConfigValue value = section.getValue("type");
        String type = String.valueOf(value.unwrapped());
        if (!types.contains(type)) {
            StringBuilder message =
                    new StringBuilder(location(value.origin()))
                            .append(path)
                            .append(".type: unknown schedule type \"")
                            .append(type)
                            .append('"');
            Optional<String> closest = NameSuggester.closest(type, types);
            closest.ifPresent(c -> message.append("; did you mean ").append(c).append('?'));
            message.append("; known: ").append(known());
            throw new IllegalArgumentException(message.toString());
        }
        return providers.computeIfAbsent(type, create);
    }

    private static boolean allowed(ScheduleProvider provider, String key) {
        return COMMON_KEYS.contains(key) || provider.keys().contains(key);
    }

    private static IllegalArgumentException foreignKey(
            ScheduleProvider provider, Config section, String path, String key, ConfigValue value) {
        Set<String> keys = new TreeSet<>(provider.keys());
        keys.addAll(COMMON_KEYS);
        return new IllegalArgumentException(
                location(value.origin())
                        + path
                        + "."
                        + key
                        + ": not a key of schedule type "
                        + section.getString("type")
                        + "; it takes: "
                        + String.join(", ", keys));
    }

    private String known() {
        return types.isEmpty() ? "(none installed)" : String.join(", ", types);
    }

    /** {@code file:line: } for a value written in a file, the origin's description otherwise. */
    static String location(ConfigOrigin origin) {
        if (origin == null) {
            return "";
        }
        if (origin.filename() != null) {
            return origin.filename() + ":" + origin.lineNumber() + ": ";
        }
        return origin.description().replaceFirst(": -?\\d+$", "") + ": ";
    }

    /** A schedule section as providers see it. */
    private final class Section implements ScheduleSection {
        private final Config config;
        private final String path;
        private final long maxIter;

        Section(Config config, String path, long maxIter) {
            this.config = config;
            this.path = path;
            this.maxIter = maxIter;
        }

        @Override
        public Config config() {
            return config;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public long maxIter() {
            return maxIter;
        }

        @Override
        public double baseLr() {
            return baseLr;
        }

        @Override
        public ParamSchedule build(Config child, String childPath, long childMaxIter) {
            return buildChild(child, childPath, childMaxIter);
        }
    }
}
