package dev.kiln.example;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A metrics CSV file: the header {@code iteration,<name>,<name>,...} and one row per iteration,
 * an empty cell where a scalar has no value at that iteration. Rows are appended; the header only
 * ever grows.
 *
 * <p>When a scalar appears that the header lacks, the file is rewritten with the wider header
 * (earlier rows get empty cells for the new column) into a temporary file next to it, which then
 * replaces the file by an atomic rename: a reader, or a crash, sees either the old file or the new
 * one, never a header that does not match its rows. This costs a pass over the file per new name;
 * names appear early in a run (losses at the first write, evaluation results at the first
 * evaluation), so it happens a few times per run.
 */
final class MetricsCsvFile implements Closeable {

    /** The first column. */
    static final String ITERATION = "iteration";

    private static final CSVFormat WRITE =
            CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private static final CSVFormat READ =
            CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    private final Path file;
    private final List<String> columns = new ArrayList<>();
    private CSVPrinter printer;

    /** @param file the CSV file; nothing is read or written before {@link #open} */
    MetricsCsvFile(Path file) {
        this.file = file;
    }

    /**
     * Opens the file for appending. An existing file keeps its header and its rows before {@code
     * dropFrom} (rows of an interrupted run past the point a resumed run starts at are dropped);
     * a new file gets the header {@code iteration}.
     *
     * @param dropFrom the first iteration whose rows are dropped, or {@link Long#MAX_VALUE}
     * @throws IOException when the file cannot be read or written, or is not a metrics CSV
     */
    void open(long dropFrom) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) > 0) {
            List<String> header = readHeader();
            if (header.isEmpty() || !header.get(0).equals(ITERATION)) {
                throw new IOException(
                        file
                                + " is not a metrics CSV: its first column is not \""
                                + ITERATION
                                + "\"");
            }
            columns.addAll(header.subList(1, header.size()));
            if (dropFrom != Long.MAX_VALUE) {
                rewrite(dropFrom);
            }
        } else {
            Files.createDirectories(file.toAbsolutePath().getParent());
            rewrite(Long.MAX_VALUE);
        }
        openPrinter();
    }

    /** @return the scalar columns, in header order (without {@code iteration}) */
    List<String> columns() {
        return List.copyOf(columns);
    }

    /**
     * Widens the header by rewriting the file (see the class comment).
     *
     * @param names new column names, appended in order
     * @throws IOException when the file cannot be rewritten; the old file is then left as it was
     */
    void addColumns(List<String> names) throws IOException {
        printer.close();
        printer = null;
        columns.addAll(names);
        rewrite(Long.MAX_VALUE);
        openPrinter();
    }

    /**
     * Appends one row.
     *
     * @param iteration the row's iteration
     * @param values values by column name; columns without a value get an empty cell
     * @throws IOException when writing fails
     */
    void append(long iteration, Map<String, Double> values) throws IOException {
        List<Object> row = new ArrayList<>(columns.size() + 1);
        row.add(iteration);
        for (String column : columns) {
            Double value = values.get(column);
            row.add(value == null ? "" : Double.toString(value));
        }
        printer.printRecord(row);
    }

    /** @throws IOException when flushing fails */
    void flush() throws IOException {
        printer.flush();
    }

    @Override
    public void close() throws IOException {
        if (printer != null) {
            printer.close();
            printer = null;
        }
    }

    private void openPrinter() throws IOException {
        BufferedWriter out =
                Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        printer = new CSVPrinter(out, WRITE);
    }

    private List<String> readHeader() throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = READ.parse(in)) {
            return parser.getHeaderNames();
        }
    }

    /** Writes the current header and the existing rows before {@code dropFrom}, then swaps. */
    private void rewrite(long dropFrom) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                    CSVPrinter printer = new CSVPrinter(out, WRITE)) {
                List<String> header = new ArrayList<>();
                header.add(ITERATION);
                header.addAll(columns);
                printer.printRecord(header);
                if (Files.isRegularFile(file) && Files.size(file) > 0) {
                    copyRows(printer, dropFrom);
                }
            }
            try {
                Files.move(
                        tmp,
                        file,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void copyRows(CSVPrinter out, long dropFrom) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = READ.parse(in)) {
            for (CSVRecord record : parser) {
                long iteration;
                try {
                    iteration = Long.parseLong(record.get(ITERATION).strip());
                } catch (IllegalArgumentException e) {
                    throw new IOException(
                            file
                                    + ":"
                                    + (record.getRecordNumber() + 1)
                                    + ": the iteration is not a whole number",
                            e);
                }
                if (iteration >= dropFrom) {
                    continue;
                }
                List<String> row = new ArrayList<>(columns.size() + 1);
                row.add(Long.toString(iteration));
                for (String column : columns) {
                    row.add(record.isSet(column) ? record.get(column) : "");
                }
                out.printRecord(row);
            }
        }
    }
}
