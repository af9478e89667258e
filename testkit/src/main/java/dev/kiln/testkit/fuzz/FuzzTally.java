package dev.kiln.testkit.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

/**
 * The outcomes of one reader over a fuzz test's mutated files: how many loaded, how many were
 * rejected, and the rejections by the class of their message. {@link #report} prints {@code FUZZ
 * reader=<name> mutations=<n> loaded=<a> rejected=<b> {reason=count, ...}} and checks that every
 * file was counted and that both outcomes occurred (a fuzz test whose mutations all load, or all
 * fail, tests little).
 */
public final class FuzzTally {

    private final String reader;
    private final Map<String, Integer> reasons = new TreeMap<>();
    private int loaded;
    private int rejected;

    /** @param reader the reader's name in the report */
    public FuzzTally(String reader) {
        this.reader = reader;
    }

    /**
     * Counts one file.
     *
     * @param reason null when the file loaded as it holds, else the class of the rejection's
     *     message
     */
    public void count(String reason) {
        if (reason == null) {
            loaded++;
        } else {
            rejected++;
            reasons.merge(reason, 1, Integer::sum);
        }
    }

    /**
     * Prints the report line and checks it.
     *
     * @param mutations how many mutated files were tried
     */
    public void report(int mutations) {
        System.out.println(
                "FUZZ reader="
                        + reader
                        + " mutations="
                        + mutations
                        + " loaded="
                        + loaded
                        + " rejected="
                        + rejected
                        + " "
                        + reasons);
        assertThat(loaded + rejected).as(reader + ": files counted").isEqualTo(mutations);
        assertThat(loaded).as(reader + ": files that loaded").isPositive();
        assertThat(rejected).as(reader + ": files rejected").isPositive();
    }
}
