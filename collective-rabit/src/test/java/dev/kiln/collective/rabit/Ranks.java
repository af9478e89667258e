package dev.kiln.collective.rabit;

import dev.kiln.collective.Collective;
import dev.kiln.collective.CollectiveProvider;
import dev.kiln.collective.Coordinator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ranks as threads of one JVM: each thread joins (so it has its own communicator), runs the body,
 * and leaves. Each rank's outcome is its value or what it threw.
 */
final class Ranks {

    /** What one rank does with its collective. */
    interface Body<T> {
        T run(Collective collective) throws Exception;
    }

    /** How one rank joins. */
    interface Joiner {
        Collective join(Map<String, String> coordinates, int rank);
    }

    /** One rank's outcome. */
    record Outcome<T>(T value, Throwable failure, long nanos) {
        T get() {
            if (failure != null) {
                throw new AssertionError("the rank failed", failure);
            }
            return value;
        }
    }

    private Ranks() {}

    static <T> List<Outcome<T>> run(
            CollectiveProvider provider, int n, Duration timeout, Body<T> body) throws Exception {
        return run(
                provider,
                n,
                (coordinates, rank) -> provider.join(coordinates, rank, n, timeout),
                body);
    }

    static <T> List<Outcome<T>> run(CollectiveProvider provider, int n, Joiner joiner, Body<T> body)
            throws Exception {
        try (Coordinator coordinator = provider.coordinate(n, Duration.ofSeconds(60))) {
            Map<String, String> coordinates = coordinator.coordinates();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                outcomes.add(null);
            }
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int rank = i;
                Thread t =
                        new Thread(
                                () -> {
                                    long started = System.nanoTime();
                                    T value = null;
                                    Throwable failure = null;
                                    try (Collective c = joiner.join(coordinates, rank)) {
                                        value = body.run(c);
                                    } catch (Throwable e) {
                                        failure = e;
                                    }
                                    Outcome<T> outcome =
                                            new Outcome<>(
                                                    value, failure, System.nanoTime() - started);
                                    synchronized (outcomes) {
                                        outcomes.set(rank, outcome);
                                    }
                                },
                                "rank-" + rank);
                threads.add(t);
                t.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    throw new AssertionError(t.getName() + " did not end within 120 s");
                }
            }
            synchronized (outcomes) {
                return List.copyOf(outcomes);
            }
        }
    }
}
