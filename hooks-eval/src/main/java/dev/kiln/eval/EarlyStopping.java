package dev.kiln.eval;

import com.typesafe.config.Config;
import dev.kiln.events.MetricWatch;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.train.HookBase;
import dev.kiln.train.StatefulHook;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook {@code early-stopping}: after each iteration, if the metric {@code
 * kiln.early-stopping.metric} has a value newer than the last one looked at (a new evaluation), it
 * counts whether the value improved on the best by more than {@code min-delta}; after {@code
 * patience} evaluations in a row without improvement it asks the trainer to stop, which it does
 * cleanly after the current iteration (every {@code afterTrain} runs, so final checkpoints and
 * writes happen). NaN never improves. Its best value and count are saved in checkpoints, so a
 * resumed run keeps them. Register it after the hook that puts the metric (the {@code eval} hook).
 */
@KilnExtension(
        name = EarlyStopping.NAME,
        description =
                "stops training when kiln.early-stopping.metric has not improved for patience"
                        + " evaluations")
public final class EarlyStopping extends HookBase implements StatefulHook {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    /** The hook's name, and the key of its state in checkpoints. */
    public static final String NAME = "early-stopping";

    private final MetricWatch watch;
    private final double minDelta;
    private final int patience;
    private int badEvaluations;

    /**
     * Creates the hook from its config section.
     *
     * @param section {@code kiln.early-stopping}
     */
    @Inject
    public EarlyStopping(Config section) {
        this(Settings.of(section, "kiln." + NAME));
    }

    private EarlyStopping(Settings settings) {
        this(
                settings.string("metric"),
                settings.oneOf("mode", List.of("max", "min")),
                settings.doubleAtLeast("min-delta", 0.0),
                settings.intAtLeast("patience", 1));
    }

    /**
     * Creates the hook.
     *
     * @param metric the scalar watched, such as {@code test/accuracy}
     * @param mode {@code max} (higher is better) or {@code min}
     * @param minDelta how much a value must beat the best by, at least 0
     * @param patience evaluations in a row without improvement that stop training, at least 1
     */
    public EarlyStopping(String metric, String mode, double minDelta, int patience) {
        this.watch = new MetricWatch(metric, mode, minDelta, "kiln." + NAME);
        if (patience < 1) {
            throw new IllegalArgumentException(
                    "kiln." + NAME + ".patience must be at least 1 but is " + patience);
        }
        this.minDelta = minDelta;
        this.patience = patience;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void afterStep() {
        Optional<MetricWatch.Reading> reading = watch.poll(trainer().storage());
        if (reading.isEmpty()) {
            return;
        }
        if (reading.get().improved()) {
            badEvaluations = 0;
            return;
        }
        badEvaluations++;
        LOG.info(
                "{} = {} at iteration {} is no improvement on {} (iteration {}): {} of {}",
                watch.metric(),
                reading.get().value(),
                reading.get().iteration(),
                watch.best(),
                watch.bestIteration(),
                badEvaluations,
                patience);
        if (badEvaluations >= patience && !trainer().isStopRequested()) {
            trainer()
                    .requestStop(
                            "early stopping: "
                                    + watch.metric()
                                    + " has not improved by more than "
                                    + minDelta
                                    + " for "
                                    + badEvaluations
                                    + " evaluations (best "
                                    + watch.best()
                                    + " at iteration "
                                    + watch.bestIteration()
                                    + ")");
        }
    }

    /** Warns when the metric never came, so a misspelled name does not go unnoticed. */
    @Override
    public void afterTrain() {
        if (!watch.sawAny()) {
            LOG.warn(
                    "early-stopping never saw the metric {}; the scalars put were: {}",
                    watch.metric(),
                    trainer().storage().scalarNames());
        }
    }

    /**
     * @param value a new value of the metric
     * @return whether it beats the best by more than min-delta; false for NaN, true for any other
     *     value when there is no best yet
     */
    boolean improves(double value) {
        return watch.improves(value);
    }

    /** @return the best value so far, NaN before any */
    public double best() {
        return watch.best();
    }

    /** @return the iteration of the best value, -1 before any */
    public long bestIteration() {
        return watch.bestIteration();
    }

    /** @return the evaluations in a row without improvement */
    public int badEvaluations() {
        return badEvaluations;
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = new LinkedHashMap<>();
        watch.saveState(state);
        state.put("bad_evaluations", badEvaluations);
        return state;
    }

    @Override
    public void loadState(Map<String, Object> state) {
        if (watch.loadState(state, NAME)) {
            badEvaluations = state.get("bad_evaluations") instanceof Number n ? n.intValue() : 0;
        }
    }
}
