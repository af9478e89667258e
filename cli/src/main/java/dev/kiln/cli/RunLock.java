package dev.kiln.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The lock a {@code kiln train} holds on its run directory while it writes there: an operating
 * system lock on the file {@code .kiln-lock} in the directory, which holds the process id. A
 * second run into the same directory finds it locked and stops with exit code 2, naming the
 * process. The operating system releases the lock when the process ends in any way, {@code kill
 * -9} included, so the file a killed run leaves behind locks nothing: the next run takes it.
 */
final class RunLock {

    /** The lock file's name in the run directory. */
    static final String FILE = ".kiln-lock";

    /** The locks this process holds, until it ends: a lock left to the garbage collector would be released. */
    private static final List<FileChannel> HELD = new ArrayList<>();

    private RunLock() {}

    /**
     * Locks the run directory for this process, for as long as it runs.
     *
     * @param dir the run directory, which exists
     * @throws CliFailure (exit 2) when another process holds the lock, or the lock file cannot be
     *     written
     */
    static synchronized void acquire(Path dir) {
        Path file = dir.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT, "cannot write the lock file " + file + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this process holds it already
        } catch (IOException e) {
            close(channel);
            throw new CliFailure(
                    CliFailure.BAD_INPUT, "cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            close(channel);
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "output directory "
                            + dir
                            + " is in use by another kiln train ("
                            + holder(file)
                            + "); wait until it ends, or choose another --output-dir",
                    null);
        }
        try {
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap(
                            ("pid " + ProcessHandle.current().pid() + "\n")
                                    .getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
        } catch (IOException e) {
            close(channel);
            throw new CliFailure(
                    CliFailure.BAD_INPUT, "cannot write the lock file " + file + ": " + e, e);
        }
        HELD.add(channel);
    }

    /** @return what the lock file says of the process holding it */
    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "process id not yet written" : text;
        } catch (IOException e) {
            return "process id unreadable";
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the failure being reported matters more
        }
    }
}
