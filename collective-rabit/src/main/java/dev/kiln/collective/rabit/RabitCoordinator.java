package dev.kiln.collective.rabit;

import dev.kiln.collective.Coordinator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.RabitTracker;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** XGBoost4J's Rabit tracker, on the address it was given and an ephemeral port. */
final class RabitCoordinator implements Coordinator {

    private static final Logger LOG = LoggerFactory.getLogger(RabitCoordinator.class);

    /**
     * The coordinates' key of the tracker's connect timeout in seconds, which lets a joining rank
     * bound its wait for the others.
     */
    static final String CONNECT_TIMEOUT_KEY = "kiln_connect_timeout_s";

    private final RabitTracker tracker;
    private final Map<String, String> coordinates;
    private boolean closed;

    RabitCoordinator(RabitTracker tracker, Map<String, Object> workerArgs, long connectSeconds) {
        this.tracker = tracker;
        Map<String, String> c = new LinkedHashMap<>();
        workerArgs.forEach((k, v) -> c.put(k, String.valueOf(v)));
        c.put(CONNECT_TIMEOUT_KEY, Long.toString(connectSeconds));
        this.coordinates = Collections.unmodifiableMap(c);
    }

    @Override
    public Map<String, String> coordinates() {
        return coordinates;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tracker.stop();
        } catch (XGBoostError e) {
            // A tracker whose workers did not all finish cleanly (one died, or the run stopped
            // early) reports "Failed to accept connection" when stopped; that is expected here.
            LOG.debug("the Rabit tracker ended with: {}", RabitCollective.summary(e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return "rabit tracker " + coordinates;
    }
}
