package dev.kiln.data;

import java.nio.file.Path;

/**
 * A data file's content is malformed: a row has the wrong number of columns, a cell is not a
 * number, an image cannot be decoded, and so on. The message starts with {@code file:line:} like a
 * compiler's, or {@code file:} for a file without lines.
 *
 * <p>Not to be confused with {@code java.util.zip.DataFormatException}.
 */
public class DataFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param file the data file
     * @param line the 1-based line number of the offending line
     * @param problem what is wrong with it
     */
    public DataFormatException(Path file, long line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /**
     * Creates the exception for a file without lines, such as an image: the message is {@code
     * file: problem}.
     *
     * @param file the data file
     * @param problem what is wrong with it
     */
    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.line = 0;
        this.problem = problem;
    }

    /**
     * Returns the data file.
     *
     * @return the file's path as given
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the 1-based number of the offending line.
     *
     * @return the line number, 0 for a file without lines
     */
    public long line() {
        return line;
    }

    /**
     * Returns what is wrong, without the file and line.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
