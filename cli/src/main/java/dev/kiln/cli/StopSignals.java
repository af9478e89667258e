package dev.kiln.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT while training: the first asks the trainer to stop after the current step
 * (so the hooks save a checkpoint and the writers flush and close), a second one ends the process
 * at once. The exit code is 128 plus the signal's number: 143 for SIGTERM, 130 for SIGINT.
 */
final class StopSignals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    /** The exit code by signal name. */
    static final Map<String, Integer> CODES = Map.of("TERM", 143, "INT", 130);

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile int exitCode;

    private StopSignals() {}

    /**
     * Handles SIGTERM and SIGINT until {@link #close()}.
     *
     * @param stop what asks the trainer to stop; called with a reason on the first signal
     * @return the installed handlers
     */
    static StopSignals install(java.util.function.Consumer<String> stop) {
        StopSignals signals = new StopSignals();
        for (String name : CODES.keySet()) {
            Signal signal = new Signal(name);
            SignalHandler handler =
                    s -> {
                        int code = CODES.get(s.getName());
                        synchronized (signals) {
                            if (signals.exitCode != 0) {
                                System.err.println(
                                        "kiln: SIG" + s.getName() + " again: stopping now");
                                Runtime.getRuntime().halt(code);
                            }
                            signals.exitCode = code;
                        }
                        LOG.warn(
                                "SIG{}: stopping after the current iteration (send it again to"
                                        + " stop at once)",
                                s.getName());
                        stop.accept("SIG" + s.getName());
                    };
            signals.previous.put(signal, Signal.handle(signal, handler));
        }
        return signals;
    }

    /** @return 143 or 130 once SIGTERM or SIGINT arrived, else 0 */
    int exitCode() {
        return exitCode;
    }

    /** Puts the previous handlers back. */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
