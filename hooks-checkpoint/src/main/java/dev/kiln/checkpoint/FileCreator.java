package dev.kiln.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the checkpointer creates the files it writes. {@link #local()} writes to the file system; a
 * test substitutes one that fails part way, as a full disk does.
 */
@FunctionalInterface
public interface FileCreator {

    /**
     * Creates a new file for writing; it must not exist yet.
     *
     * @param path the file
     * @return the open file
     * @throws IOException if it cannot be created
     */
    WritableFile create(Path path) throws IOException;

    /** @return a creator of files on the file system, synced with {@link FileChannel#force} */
    static FileCreator local() {
        return path -> {
            FileChannel channel =
                    FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new WritableFile() {
                @Override
                public int write(ByteBuffer source) throws IOException {
                    return channel.write(source);
                }

                @Override
                public void sync() throws IOException {
                    channel.force(true);
                }

                @Override
                public boolean isOpen() {
                    return channel.isOpen();
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        };
    }
}
