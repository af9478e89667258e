package dev.kiln.bench;

/** One way of training in a benchmark, run a number of iterations at a time between the others. */
interface Way extends AutoCloseable {

    /** @return the way's name in RESULT lines */
    String mode();

    /**
     * Runs about {@code n} iterations, the last update computed when it returns.
     *
     * @param n how many
     * @return how many ran
     * @throws Exception if training fails
     */
    long run(int n) throws Exception;

    @Override
    void close();

    /**
     * Runs a way and times it.
     *
     * @param way the way
     * @param n about how many iterations
     * @return milliseconds per iteration that ran
     */
    static double timed(Way way, int n) {
        try {
            long start = System.nanoTime();
            long done = way.run(n);
            return (System.nanoTime() - start) / 1e6 / done;
        } catch (Exception e) {
            throw new IllegalStateException(way.mode() + " failed", e);
        }
    }
}
