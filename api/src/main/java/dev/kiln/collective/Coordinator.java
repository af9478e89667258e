package dev.kiln.collective;

import java.util.Map;

/**
 * What the launching process runs so that the workers can find each other (XGBoost's Rabit
 * tracker, for instance), from {@link CollectiveProvider#coordinate}. It lives until the run ends;
 * {@link #close()} stops it.
 */
public interface Coordinator extends AutoCloseable {

    /**
     * @return everything a worker needs to join, besides its rank and the world size: string keys
     *     and values a launcher can pass on as environment variables or system properties and hand
     *     to {@link CollectiveProvider#join} unchanged
     */
    Map<String, String> coordinates();

    /** Stops coordinating; idempotent. Workers still joining then fail. */
    @Override
    void close();
}
