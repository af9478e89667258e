package dev.kiln.core.data;

/**
 * The label columns do not fit the file: an index out of range, two indices naming the same
 * column, or no column left for the features. Besides its message, which names the file, it
 * carries the problem worded for the key that chose the columns, so the dataset extension can
 * report it at that key's file and line.
 */
final class LabelColumnsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String problem;

    /**
     * @param message the message, such as {@code label column 3 is out of range for 3 columns in
     *     data.csv}
     * @param problem the same problem for a message about the key, such as {@code column 3 is out
     *     of range for the 3 columns of data.csv; valid: 0 to 2, or -3 to -1 from the end}
     */
    LabelColumnsException(String message, String problem) {
        super(message);
        this.problem = problem;
    }

    /** @return the problem, worded to follow the key that chose the columns */
    String problem() {
        return problem;
    }
}
