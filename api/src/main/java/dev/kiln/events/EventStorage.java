package dev.kiln.events;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The single place where metrics of a training run go: scalars with a smoothing hint, histograms,
 * and the current iteration. Code anywhere on the training thread, even inside a model's forward
 * pass, reaches the active storage with {@link #current()}; writers read it.
 *
 * <p>Memory is bounded: each scalar keeps its newest {@link #DEFAULT_HISTORY_LENGTH} values (plus
 * a running global average), and histograms are kept only until a writer clears them (at most
 * {@link #MAX_PENDING_HISTOGRAMS}). A storage is meant to be used from the training thread.
 */
public final class EventStorage {

    /** How many recent values each scalar keeps by default. */
    public static final int DEFAULT_HISTORY_LENGTH = 10_000;

    /** How many histograms are kept between two writes before the oldest are dropped. */
    public static final int MAX_PENDING_HISTOGRAMS = 1_000;

    private static final ThreadLocal<Deque<EventStorage>> ACTIVE =
            ThreadLocal.withInitial(ArrayDeque::new);

    private final int historyLength;
    private final Map<String, HistoryBuffer> histories = new LinkedHashMap<>();
    private final Map<String, Boolean> smoothingHints = new LinkedHashMap<>();
    private final Deque<HistogramEvent> histograms = new ArrayDeque<>();
    private long iter;
    private String prefix = "";

    /** Creates a storage starting at iteration 0. */
    public EventStorage() {
        this(0);
    }

    /**
     * Creates a storage.
     *
     * @param startIter the iteration of the first values put
     */
    public EventStorage(long startIter) {
        this(startIter, DEFAULT_HISTORY_LENGTH);
    }

    /**
     * Creates a storage.
     *
     * @param startIter the iteration of the first values put
     * @param historyLength how many recent values each scalar keeps
     */
    public EventStorage(long startIter, int historyLength) {
        this.iter = startIter;
        this.historyLength = historyLength;
    }

    /**
     * Returns the storage active on this thread: the innermost one whose {@link #activate()} scope
     * is open. A trainer activates its storage for the whole of {@code train}.
     *
     * @return the active storage
     * @throws IllegalStateException when no storage is active on this thread
     */
    public static EventStorage current() {
        EventStorage storage = ACTIVE.get().peek();
        if (storage == null) {
            throw new IllegalStateException(
                    "no EventStorage is active on thread '"
                            + Thread.currentThread().getName()
                            + "': call it from inside training, or open one with"
                            + " 'try (var active = storage.activate()) { ... }'");
        }
        return storage;
    }

    /** @return the storage active on this thread, if any */
    public static Optional<EventStorage> currentIfActive() {
        return Optional.ofNullable(ACTIVE.get().peek());
    }

    /**
     * Makes this storage the one {@link #current()} returns on this thread until the returned
     * scope is closed. Scopes nest.
     *
     * @return the scope to close
     */
    public Scope activate() {
        Deque<EventStorage> stack = ACTIVE.get();
        stack.push(this);
        return () -> {
            if (stack.peek() != this) {
                throw new IllegalStateException("EventStorage scopes closed out of order");
            }
            stack.pop();
        };
    }

    /**
     * Puts a scalar with smoothing: writers report the median of its recent values.
     *
     * @param name the name, prefixed by the open name scopes
     * @param value the value
     */
    public void putScalar(String name, double value) {
        putScalar(name, value, true);
    }

    /**
     * Puts a scalar at the current iteration.
     *
     * @param name the name, prefixed by the open name scopes
     * @param value the value
     * @param smoothingHint whether writers should smooth it (median over a window) or report the
     *     newest value as is; must be the same every time for one name
     */
    public void putScalar(String name, double value, boolean smoothingHint) {
        String key = prefix.isEmpty() ? name : prefix + name;
        HistoryBuffer history = histories.get(key);
        if (history == null) {
            history = new HistoryBuffer(historyLength);
            histories.put(key, history);
            smoothingHints.put(key, smoothingHint);
        } else if (smoothingHints.get(key) != smoothingHint) {
            throw new IllegalArgumentException(
                    "scalar '"
                            + key
                            + "' was put with smoothingHint="
                            + smoothingHints.get(key)
                            + " before and now with "
                            + smoothingHint);
        }
        history.update(value, iter);
    }

    /**
     * Puts several scalars at the current iteration.
     *
     * @param scalars names and values
     * @param smoothingHint whether writers should smooth them
     */
    public void putScalars(Map<String, ? extends Number> scalars, boolean smoothingHint) {
        scalars.forEach((name, value) -> putScalar(name, value.doubleValue(), smoothingHint));
    }

    /**
     * Puts a histogram of values at the current iteration.
     *
     * @param name the name, prefixed by the open name scopes
     * @param values the values
     */
    public void putHistogram(String name, double[] values) {
        String key = prefix.isEmpty() ? name : prefix + name;
        if (histograms.size() >= MAX_PENDING_HISTOGRAMS) {
            histograms.removeFirst();
        }
        histograms.addLast(HistogramEvent.of(key, iter, values));
    }

    /**
     * Puts a histogram of an array's values (for example a layer's weights) at the current
     * iteration.
     *
     * @param name the name, prefixed by the open name scopes
     * @param values the array; any numeric type
     */
    public void putHistogram(String name, NDArray values) {
        double[] data;
        try (NDArray asDouble = values.toType(DataType.FLOAT64, true)) {
            data = asDouble.toDoubleArray();
        }
        putHistogram(name, data);
    }

    /** @return the histograms put since the last {@link #clearHistograms()}, oldest first */
    public List<HistogramEvent> histograms() {
        return List.copyOf(histograms);
    }

    /** Drops the pending histograms; a writer calls this once it has written them. */
    public void clearHistograms() {
        histograms.clear();
    }

    /**
     * @param name a scalar's full name
     * @return its history
     * @throws IllegalArgumentException when no scalar of that name was put
     */
    public HistoryBuffer history(String name) {
        HistoryBuffer history = histories.get(name);
        if (history == null) {
            throw new IllegalArgumentException(
                    "no scalar named '" + name + "'; known: " + new TreeSet<>(histories.keySet()));
        }
        return history;
    }

    /**
     * @param name a scalar's full name
     * @return its history, if a scalar of that name was put
     */
    public Optional<HistoryBuffer> findHistory(String name) {
        return Optional.ofNullable(histories.get(name));
    }

    /** @return every scalar's history by name, in the order first put */
    public Map<String, HistoryBuffer> histories() {
        return Collections.unmodifiableMap(histories);
    }

    /** @return every scalar's smoothing hint by name */
    public Map<String, Boolean> smoothingHints() {
        return Collections.unmodifiableMap(smoothingHints);
    }

    /** @return every scalar's newest value with its iteration */
    public Map<String, ScalarEntry> latest() {
        Map<String, ScalarEntry> out = new LinkedHashMap<>();
        histories.forEach((k, h) -> out.put(k, new ScalarEntry(h.latest(), h.latestIteration())));
        return out;
    }

    /**
     * Every scalar's value as writers report it: the median of the newest {@code window} values
     * for scalars put with a smoothing hint, the newest value for the others.
     *
     * @param window how many recent values a smoothed scalar's median uses
     * @return name to value, with the iteration of the newest value
     */
    public Map<String, ScalarEntry> latestWithSmoothingHint(int window) {
        Map<String, ScalarEntry> out = new LinkedHashMap<>();
        histories.forEach(
                (k, h) -> {
                    double v = smoothingHints.get(k) ? h.median(window) : h.latest();
                    out.put(k, new ScalarEntry(v, h.latestIteration()));
                });
        return out;
    }

    /**
     * Prefixes the names of everything put until the returned scope is closed with
     * {@code name + "/"}; scopes nest.
     *
     * @param name the scope's name
     * @return the scope to close
     */
    public Scope nameScope(String name) {
        String previous = prefix;
        prefix = previous + name.replaceAll("/+$", "") + "/";
        return () -> prefix = previous;
    }

    /** @return the current iteration */
    public long iter() {
        return iter;
    }

    /**
     * Sets the current iteration; the trainer calls this before each step.
     *
     * @param iter the iteration
     */
    public void setIter(long iter) {
        this.iter = iter;
    }

    /** @return the names of every scalar put, in the order first put */
    public List<String> scalarNames() {
        return new ArrayList<>(histories.keySet());
    }

    /** A scope opened by {@link #activate()} or {@link #nameScope(String)}; closing ends it. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
