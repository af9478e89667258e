package dev.kiln.spi;

import java.util.Locale;

/**
 * Edit distance between configuration names (Levenshtein, with a swap of two neighbouring
 * characters counting as one edit), after bringing both to one spelling: lower case, {@code _} and
 * camel case written as {@code -}. So {@code base_lr}, {@code baseLr} and {@code base-lr} are at
 * distance 0 from each other, and {@code max_iters} at 1 from {@code max-iter}.
 */
public final class EditDistance {

    private EditDistance() {}

    /**
     * Computes the distance between two names.
     *
     * @param a a name
     * @param b another name
     * @return the number of single-character insertions, deletions, substitutions and swaps of
     *     neighbours turning the normalized {@code a} into the normalized {@code b}
     */
    public static int between(String a, String b) {
        String s = normalize(a);
        String t = normalize(b);
        int[][] d = new int[s.length() + 1][t.length() + 1];
        for (int i = 0; i <= s.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= t.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= s.length(); i++) {
            for (int j = 1; j <= t.length(); j++) {
                int substitution = s.charAt(i - 1) == t.charAt(j - 1) ? 0 : 1;
                d[i][j] =
                        Math.min(
                                d[i - 1][j - 1] + substitution,
                                Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1
                        && j > 1
                        && s.charAt(i - 1) == t.charAt(j - 2)
                        && s.charAt(i - 2) == t.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[s.length()][t.length()];
    }

    /**
     * Brings a name to the spelling distances are measured in.
     *
     * @param name a name such as {@code baseLr} or {@code BASE_LR}
     * @return {@code base-lr}
     */
    static String normalize(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == ' ') {
                sb.append('-');
            } else if (Character.isUpperCase(c)
                    && i > 0
                    && Character.isLowerCase(name.charAt(i - 1))) {
                sb.append('-').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
