package dev.kiln.testkit.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a file's bytes that know nothing of its format: bit flips, runs of random
 * bytes, truncation and junk appended. Half the positions fall in the first 64 bytes, where the
 * headers are.
 */
public final class ByteMutations {

    private ByteMutations() {}

    /** @return one of the mutations, chosen by {@code random} */
    public static Mutant any(byte[] original, SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> flip(original, random);
            case 1 -> overwrite(original, random);
            case 2 -> truncate(original, random);
            default -> extend(original, random);
        };
    }

    /** @return the bytes with 1 to 8 bits flipped */
    public static Mutant flip(byte[] original, SplittableRandom random) {
        byte[] bytes = original.clone();
        int flips = 1 + random.nextInt(8);
        int[] at = new int[flips];
        for (int i = 0; i < flips; i++) {
            at[i] = position(bytes.length, random);
            bytes[at[i]] ^= (byte) (1 << random.nextInt(8));
        }
        return new Mutant("flip bits at " + Arrays.toString(at), bytes);
    }

    /** @return the bytes with a run of 1 to 16 random bytes written over them */
    public static Mutant overwrite(byte[] original, SplittableRandom random) {
        byte[] bytes = original.clone();
        int at = position(bytes.length, random);
        int n = Math.min(1 + random.nextInt(16), bytes.length - at);
        for (int i = 0; i < n; i++) {
            bytes[at + i] = (byte) random.nextInt(256);
        }
        return new Mutant("overwrite " + n + " random bytes at " + at, bytes);
    }

    /** @return the first 0 to length-1 bytes */
    public static Mutant truncate(byte[] original, SplittableRandom random) {
        int n = random.nextInt(original.length);
        return new Mutant("truncate to " + n + " bytes", Arrays.copyOf(original, n));
    }

    /** @return the bytes followed by 1 to 4096 random bytes */
    public static Mutant extend(byte[] original, SplittableRandom random) {
        int n = 1 + random.nextInt(4096);
        byte[] bytes = Arrays.copyOf(original, original.length + n);
        for (int i = original.length; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return new Mutant("append " + n + " random bytes", bytes);
    }

    private static int position(int length, SplittableRandom random) {
        return random.nextBoolean() ? random.nextInt(Math.min(64, length)) : random.nextInt(length);
    }
}
