package dev.kiln.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.kiln.core.model.ModelSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The directory of one run: {@code config.conf} (the resolved config), {@code model_summary.txt}
 * (the model's parameters) and {@code log.txt} (the log), beside what hooks and writers put there.
 * An existing directory that already holds a run is never written over, and one run at a time
 * writes to a directory: {@link #create} and {@link #openForResume} take its {@link RunLock}.
 */
final class RunDirectory {

    /** The resolved config of the run. */
    static final String CONFIG_FILE = "config.conf";

    /** The run's log. */
    static final String LOG_FILE = "log.txt";

    private final Path path;

    private RunDirectory(Path path) {
        this.path = path;
    }

    /**
     * Creates the directory, or takes an existing empty one.
     *
     * @param path where
     * @return the run directory
     * @throws CliFailure (exit 2) when it holds files already, or cannot be created
     */
    static RunDirectory create(Path path) {
        requireUnused(path);
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "cannot create output directory "
                            + path
                            + ": "
                            + reason(e)
                            + "; choose another --output-dir",
                    e);
        }
        RunLock.acquire(path);
        return new RunDirectory(path);
    }

    /**
     * Takes the directory of a run to resume: it must hold {@code config.conf} (a run), or be
     * absent or empty (then the run starts fresh there). Nothing in it is changed here.
     *
     * @param path where
     * @return the run directory
     * @throws CliFailure (exit 2) when it holds files but no run, or cannot be created
     */
    static RunDirectory openForResume(Path path) {
        requireResumable(path);
        if (Files.isRegularFile(path.resolve(CONFIG_FILE))) {
            RunLock.acquire(path);
            return new RunDirectory(path);
        }
        return create(path);
    }

    /**
     * Checks, without creating anything, that a run may be resumed in the directory: it holds a
     * run ({@code config.conf}), or is absent or empty.
     *
     * @param path where
     * @throws CliFailure (exit 2) otherwise
     */
    static void requireResumable(Path path) {
        if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(CONFIG_FILE))) {
            return;
        }
        try {
            requireUnused(path);
        } catch (CliFailure e) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "cannot resume in output directory "
                            + path
                            + ": it holds files but no run ("
                            + CONFIG_FILE
                            + " is missing)",
                    null);
        }
    }

    /**
     * Checks, without creating anything, that a run may use the directory: it is absent and can
     * be created (its nearest existing ancestor is a writable directory), or it is an empty
     * directory (but for the lock file of a run that ended before it wrote anything).
     *
     * @param path where
     * @throws CliFailure (exit 2) when it holds files already, is not a directory, or cannot be
     *     created
     */
    static void requireUnused(Path path) {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "output directory " + path + " is a file; choose another --output-dir",
                    null);
        }
        requireCreatable(path);
        if (Files.isDirectory(path)) {
            try (Stream<Path> entries = Files.list(path)) {
                if (entries.anyMatch(e -> !e.getFileName().toString().equals(RunLock.FILE))) {
                    throw new CliFailure(
                            CliFailure.BAD_INPUT,
                            "output directory "
                                    + path
                                    + " is not empty; choose another with --output-dir"
                                    + " (or kiln.output-dir), or move the old run away",
                            null);
                }
            } catch (IOException e) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT, "cannot read " + path + ": " + reason(e), e);
            }
        }
    }

    /**
     * Checks that a directory that does not exist yet can be created: its nearest existing
     * ancestor must be a directory that can be written.
     */
    private static void requireCreatable(Path path) {
        if (Files.exists(path)) {
            return;
        }
        for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            if (!Files.isDirectory(p)) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "cannot create output directory "
                                + path
                                + ": "
                                + p
                                + " is a file, not a directory; choose another --output-dir",
                        null);
            }
            if (!Files.isWritable(p)) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "cannot create output directory "
                                + path
                                + ": "
                                + p
                                + " is not writable; choose another --output-dir",
                        null);
            }
            return;
        }
    }

    /** @return what an I/O failure says, without the exception's class name */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fs) {
            if (fs.getReason() != null) {
                return fs.getReason();
            }
            // the JDK gives some failures no reason, only the path: say what kind they are
            String file = fs.getFile() == null ? "" : fs.getFile() + ": ";
            if (e instanceof java.nio.file.AccessDeniedException) {
                return file + "permission denied";
            }
            if (e instanceof java.nio.file.FileAlreadyExistsException) {
                return file + "exists and is not a directory";
            }
            return file + "the file system refused it (" + e.getClass().getSimpleName() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Deletes a directory and everything in it, as far as it can; what cannot be deleted is left.
     *
     * @param dir the directory
     */
    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    LoggerFactory.getLogger(RunDirectory.class)
                                            .warn("Could not delete {}: {}", p, e.toString());
                                }
                            });
        } catch (IOException | UncheckedIOException e) {
            LoggerFactory.getLogger(RunDirectory.class)
                    .warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    /** @return where the run directory is */
    Path path() {
        return path;
    }

    /**
     * Writes the resolved config to {@code config.conf}.
     *
     * @param rendered the config as HOCON
     */
    void writeConfig(String rendered) {
        try {
            Files.writeString(path.resolve(CONFIG_FILE), rendered, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the table of the model's parameters to {@value ModelSummary#FILE_NAME}, replacing
     * that of an earlier session of the run.
     *
     * @param summary the summary's text
     */
    void writeModelSummary(String summary) {
        try {
            Files.writeString(
                    path.resolve(ModelSummary.FILE_NAME), summary, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies everything logged from now on into {@code log.txt} (appending), with stack traces. */
    void startLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("[%d{MM/dd HH:mm:ss} %logger{0}]: %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("run-log");
        file.setFile(path.resolve(LOG_FILE).toString());
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file);
    }
}
