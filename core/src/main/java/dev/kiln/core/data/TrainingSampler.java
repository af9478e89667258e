package dev.kiln.core.data;

import java.util.SplittableRandom;

/**
 * An endless, seeded stream of dataset indices, like detectron2's {@code TrainingSampler}.
 *
 * <p>Each epoch is a fresh permutation of {@code [0, size)} (or {@code 0..size-1} in order when
 * not shuffling), and batches simply run on across epoch boundaries. The permutation of epoch
 * {@code e} depends only on {@code (seed, e)}, so a saved {@link SamplerPosition} is restored by
 * {@link #seek} without replaying earlier epochs.
 *
 * <p>Not thread-safe: one thread draws from a sampler at a time.
 */
public final class TrainingSampler {

    private final int size;
    private final boolean shuffle;
    private final long seed;
    private final int[] order;
    private long epoch;
    private int offset;

    /**
     * Creates a sampler at the start of epoch 0.
     *
     * @param size the number of rows in the dataset, at least 1
     * @param shuffle true for a fresh random permutation per epoch, false for 0..size-1
     * @param seed the seed of the permutations
     */
    public TrainingSampler(int size, boolean shuffle, long seed) {
        this(size, shuffle, seed, SamplerPosition.START);
    }

    /**
     * Creates a sampler that resumes at a saved position.
     *
     * @param size the number of rows in the dataset, at least 1
     * @param shuffle true for a fresh random permutation per epoch, false for 0..size-1
     * @param seed the seed of the permutations
     * @param position where to start
     */
    public TrainingSampler(int size, boolean shuffle, long seed, SamplerPosition position) {
        if (size < 1) {
            throw new IllegalArgumentException("dataset size must be at least 1, got " + size);
        }
        this.size = size;
        this.shuffle = shuffle;
        this.seed = seed;
        this.order = new int[size];
        seek(position);
    }

    /**
     * Returns the number of indices in each epoch.
     *
     * @return the dataset size
     */
    public int size() {
        return size;
    }

    /**
     * Tells whether each epoch is shuffled.
     *
     * @return true if epochs are random permutations
     */
    public boolean shuffle() {
        return shuffle;
    }

    /**
     * Returns the seed of the permutations.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns the position of the next index; a finished epoch is reported as the start of the
     * next one.
     *
     * @return the position to give {@link #seek} to continue from here
     */
    public SamplerPosition position() {
        return offset == size
                ? new SamplerPosition(epoch + 1, 0)
                : new SamplerPosition(epoch, offset);
    }

    /**
     * Moves to a saved position; the following indices are those an uninterrupted sampler would
     * give from there.
     *
     * @param position the position, with an offset of at most the dataset size
     */
    public void seek(SamplerPosition position) {
        if (position.offset() > size) {
            throw new IllegalArgumentException(
                    "offset " + position.offset() + " is past the dataset size " + size);
        }
        fillOrder(position.epoch());
        this.epoch = position.epoch();
        this.offset = position.offset();
    }

    /**
     * Returns the epoch of the index {@link #nextIndex} returned last (the epoch of the next one
     * when none has been drawn since the last {@link #seek}).
     *
     * @return the epoch, from 0
     */
    public long epoch() {
        return epoch;
    }

    /**
     * Draws the next index, starting a new epoch when this one is used up.
     *
     * @return an index in {@code [0, size)}
     */
    public int nextIndex() {
        if (offset == size) {
            fillOrder(epoch + 1);
            epoch++;
            offset = 0;
        }
        return order[offset++];
    }

    /**
     * Draws the next {@code n} indices, possibly across an epoch boundary.
     *
     * @param n how many indices
     * @return a new array of {@code n} indices
     */
    public int[] nextIndices(int n) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = nextIndex();
        }
        return indices;
    }

    private void fillOrder(long forEpoch) {
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (!shuffle) {
            return;
        }
        SplittableRandom random = new SplittableRandom(epochSeed(seed, forEpoch));
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }

    /** Mixes seed and epoch so that neighbouring seeds do not give related permutations. */
    private static long epochSeed(long seed, long epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "TrainingSampler(size="
                + size
                + ", shuffle="
                + shuffle
                + ", seed="
                + seed
                + ", at "
                + position()
                + ")";
    }
}
