package dev.kiln.runtime;

import ai.djl.engine.Engine;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One run seed, from which the engine's RNG and Kiln's own named random streams are derived.
 *
 * <p>Streams are derived by name ({@code derive("sampler")}, {@code derive("split")}), so adding a
 * new consumer of randomness never shifts the numbers another consumer sees.
 */
public final class Seeds {

    private final long seed;

    private Seeds(long seed) {
        this.seed = seed;
    }

    /**
     * Creates the seed source for a run.
     *
     * @param seed the run seed
     * @return the seed source
     */
    public static Seeds of(long seed) {
        return new Seeds(seed);
    }

    /**
     * Returns the run seed.
     *
     * @return the seed given to {@link #of(long)}
     */
    public long seed() {
        return seed;
    }

    /**
     * Seeds the engine's RNG (parameter initialisation, dropout, random arrays) with this seed.
     *
     * @param engine the engine to seed
     * @return this, for chaining
     */
    public Seeds engine(Engine engine) {
        engine.setRandomSeed(engineSeed());
        return this;
    }

    /**
     * Returns the int seed given to the engine: the run seed itself when it fits in an int.
     *
     * @return the engine seed
     */
    public int engineSeed() {
        return Long.hashCode(seed);
    }

    /**
     * Derives an independent, stable 64-bit seed for a named consumer.
     *
     * @param name the consumer, such as {@code "sampler"} or {@code "split"}
     * @return a seed that depends only on the run seed and the name
     */
    public long derive(String name) {
        long h = mix(seed);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xFF));
        }
        return h;
    }

    /**
     * Returns a fresh {@link SplittableRandom} seeded from {@link #derive(String)}.
     *
     * @param name the consumer name
     * @return a new generator; equal names give equal sequences
     */
    public SplittableRandom random(String name) {
        return new SplittableRandom(derive(name));
    }

    /**
     * Returns a fresh {@link Random} seeded from {@link #derive(String)}, for APIs that need one.
     *
     * @param name the consumer name
     * @return a new generator; equal names give equal sequences
     */
    public Random javaRandom(String name) {
        return new Random(derive(name));
    }

    /**
     * Derives the seed of one example's random draws in one epoch, such as its augmentation, from
     * a stream seed (see {@link #derive(String)}): the same three numbers always give the same
     * seed, whatever thread or engine asks.
     *
     * @param streamSeed the stream's seed, such as {@code derive("augment")}
     * @param epoch the epoch, from 0
     * @param index the example's index in its dataset
     * @return the example's seed
     */
    public static long forExample(long streamSeed, long epoch, long index) {
        return mix(mix(mix(streamSeed) ^ epoch) ^ index);
    }

    /** SplitMix64's finaliser: a bijective 64-bit hash with good avalanche. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "Seeds(" + seed + ")";
    }
}
