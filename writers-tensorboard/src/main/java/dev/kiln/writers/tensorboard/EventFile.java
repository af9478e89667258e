package dev.kiln.writers.tensorboard;

import dev.kiln.writers.tensorboard.proto.Event;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TensorBoard event file, {@code events.out.tfevents.<secs>.<host>.<pid>.<n>}: a TFRecord file
 * of {@code Event}s whose first is {@code file_version = "brain.Event:2"}. Not thread-safe: the
 * background thread alone writes it.
 */
final class EventFile implements AutoCloseable {

    /** The prefix of every event file's name. */
    static final String PREFIX = "events.out.tfevents.";

    /** The version TensorBoard expects in the first event. */
    static final String FILE_VERSION = "brain.Event:2";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile String host;

    private final Path path;
    private final OutputStream out;
    private final TfRecordWriter records;

    private EventFile(Path path, OutputStream out) {
        this.path = path;
        this.out = out;
        this.records = new TfRecordWriter(out);
    }

    /**
     * Creates a new event file in a directory (created if missing) and writes its first event.
     *
     * @param dir the directory
     * @param wallTime seconds since the epoch for the first event
     * @return the open file
     * @throws IOException if the file cannot be created
     */
    static EventFile create(Path dir, double wallTime) throws IOException {
        Files.createDirectories(dir);
        String stem =
                PREFIX + (long) wallTime + "." + host() + "." + ProcessHandle.current().pid() + ".";
        while (true) {
            Path candidate = dir.resolve(stem + COUNTER.getAndIncrement());
            try {
                OutputStream stream =
                        Files.newOutputStream(
                                candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                EventFile file =
                        new EventFile(candidate, new BufferedOutputStream(stream, 1 << 16));
                file.write(
                        Event.newBuilder()
                                .setWallTime(wallTime)
                                .setFileVersion(FILE_VERSION)
                                .build());
                file.flush();
                return file;
            } catch (FileAlreadyExistsException taken) {
                // another writer of this process got that number: take the next
            }
        }
    }

    /** @return the file */
    Path path() {
        return path;
    }

    /**
     * @param event the event to append
     * @throws IOException if writing fails
     */
    void write(Event event) throws IOException {
        records.write(event.toByteArray());
    }

    /** @throws IOException if flushing fails */
    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** The host name as TensorFlow puts it in file names, with only file-name-safe characters. */
    private static String host() {
        String h = host;
        if (h == null) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "localhost";
            }
            h = h.replaceAll("[^A-Za-z0-9._-]", "_");
            host = h;
        }
        return h;
    }
}
