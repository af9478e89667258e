package dev.kiln.spi;

import java.util.Collection;
import java.util.Optional;

/**
 * Picks the known name closest to a misspelled one, for "did you mean ...?" messages. A candidate
 * is only suggested when it is close enough to be a plausible typo (see {@link EditDistance}).
 */
public final class NameSuggester {

    private NameSuggester() {}

    /**
     * Finds the closest candidate.
     *
     * @param wanted the unknown name as written
     * @param candidates the known names
     * @return the nearest candidate within the typo threshold (ties go to the first in iteration
     *     order), or empty if none is that close
     */
    public static Optional<String> closest(String wanted, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = EditDistance.between(wanted, candidate);
            if (distance < bestDistance && distance <= threshold(wanted, candidate)) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** One edit per three characters of the longer name, at least one and at most three. */
    private static int threshold(String a, String b) {
        int longer = Math.max(a.length(), b.length());
        return Math.max(1, Math.min(3, longer / 3));
    }
}
