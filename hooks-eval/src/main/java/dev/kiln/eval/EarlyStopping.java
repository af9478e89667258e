package dev.kiln.eval;

import com.typesafe.config.Config;

import dev.kiln.events.HistoryBuffer;
import dev.kiln.plugin.KilnExtension;
import dev.kiln.train.HookBase;

import jakarta.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
public final class EarlyStopping extends HookBase {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    /** The hook's name, and the key of its state in checkpoints. */
    public static final String NAME = "early-stopping";

    private final String metric;
    private final boolean maximize;
    private final double minDelta;
    private final int patience;
    private double best = Double.NaN;
    private long bestIteration = -1;
    private int badEvaluations;
    private long lastSeen = -1;

    /**
     * Creates the hook from its config section.
     *
     * @param section {@code kiln.early-stopping}
     */
    @Inject
    public EarlyStopping(Config section) {
        this(
                section.getString("metric"),
                Settings.oneOf(section, "kiln." + NAME, "mode", List.of("max", "min")),
                Settings.atLeast(section, "kiln." + NAME, "min-delta", 0.0),
                (int) Settings.atLeast(section, "kiln." + NAME, "patience", 1L));
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
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("kiln.early-stopping.metric must name a metric");
        }
        if (!mode.equals("max") && !mode.equals("min")) {
            throw new IllegalArgumentException(
                    "kiln.early-stopping.mode is \"" + mode + "\"; expected one of: max, min");
        }
        if (!(minDelta >= 0) || patience < 1) {
            throw new IllegalArgumentException(
                    "need min-delta >= 0 and patience >= 1, got " + minDelta + " and " + patience);
        }
        this.metric = metric;
        this.maximize = mode.equals("max");
        this.minDelta = minDelta;
        this.patience = patience;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void afterStep() {
        Optional<HistoryBuffer> history = trainer().storage().findHistory(metric);
        if (history.isEmpty() || history.get().isEmpty()) {
            return;
        }
        long iteration = history.get().latestIteration();
        if (iteration <= lastSeen) {
            return;
        }
        lastSeen = iteration;
        double value = history.get().latest();
        if (improves(value)) {
            best = value;
            bestIteration = iteration;
            badEvaluations = 0;
            return;
        }
        badEvaluations++;
        LOG.info(
                "{} = {} at iteration {} is no improvement on {} (iteration {}): {} of {}",
                metric,
                value,
                iteration,
                best,
                bestIteration,
                badEvaluations,
                patience);
        if (badEvaluations >= patience && !trainer().isStopRequested()) {
            trainer()
                    .requestStop(
                            "early stopping: "
                                    + metric
                                    + " has not improved by more than "
                                    + minDelta
                                    + " for "
                                    + badEvaluations
                                    + " evaluations (best "
                                    + best
                                    + " at iteration "
                                    + bestIteration
                                    + ")");
        }
    }

    /** Warns when the metric never came, so a misspelled name does not go unnoticed. */
    @Override
    public void afterTrain() {
        if (lastSeen < 0) {
            LOG.warn(
                    "early-stopping never saw the metric {}; the scalars put were: {}",
                    metric,
                    trainer().storage().scalarNames());
        }
    }

    /**
     * @param value a new value of the metric
     * @return whether it beats the best by more than min-delta; false for NaN, true for any other
     *     value when there is no best yet
     */
    boolean improves(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        if (Double.isNaN(best)) {
            return true;
        }
        return maximize ? value > best + minDelta : value < best - minDelta;
    }

    /** @return the best value so far, NaN before any */
    public double best() {
        return best;
    }

    /** @return the iteration of the best value, -1 before any */
    public long bestIteration() {
        return bestIteration;
    }

    /** @return the evaluations in a row without improvement */
    public int badEvaluations() {
        return badEvaluations;
    }

    @Override
    public boolean isStateful() {
        return true;
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("metric", metric);
        if (!Double.isNaN(best)) {
            state.put("best", best);
        }
        state.put("best_iteration", bestIteration);
        state.put("bad_evaluations", badEvaluations);
        state.put("last_seen", lastSeen);
        return state;
    }

    @Override
    public void loadState(Map<String, Object> state) {
        Object savedMetric = state.get("metric");
        if (savedMetric != null && !metric.equals(savedMetric)) {
            LOG.warn(
                    "The saved early-stopping state is of metric {}, not {}; starting afresh",
                    savedMetric,
                    metric);
            return;
        }
        best = state.get("best") instanceof Number n ? n.doubleValue() : Double.NaN;
        bestIteration = state.get("best_iteration") instanceof Number n ? n.longValue() : -1;
        badEvaluations = state.get("bad_evaluations") instanceof Number n ? n.intValue() : 0;
        lastSeen = state.get("last_seen") instanceof Number n ? n.longValue() : -1;
    }
}
