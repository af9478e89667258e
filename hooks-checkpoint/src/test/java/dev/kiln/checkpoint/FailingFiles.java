package dev.kiln.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Local files that fail like a full disk once a number of bytes was written in all. */
final class FailingFiles implements FileCreator {

    private final AtomicLong remaining;

    private FailingFiles(long bytes) {
        this.remaining = new AtomicLong(bytes);
    }

    /** @return files that fail once {@code bytes} more bytes were written */
    static FailingFiles afterBytes(long bytes) {
        return new FailingFiles(bytes);
    }

    /** Fails from now on once {@code bytes} more bytes were written. */
    void failAfter(long bytes) {
        remaining.set(bytes);
    }

    @Override
    public WritableFile create(Path path) throws IOException {
        WritableFile file = FileCreator.local().create(path);
        return new WritableFile() {
            @Override
            public int write(ByteBuffer source) throws IOException {
                long room = remaining.get();
                if (room <= 0) {
                    throw new IOException("No space left on device");
                }
                if (source.remaining() > room) {
                    ByteBuffer part = source.duplicate();
                    part.limit(part.position() + (int) room);
                    int n = file.write(part);
                    source.position(source.position() + n);
                    remaining.addAndGet(-n);
                    return n;
                }
                int n = file.write(source);
                remaining.addAndGet(-n);
                return n;
            }

            @Override
            public void sync() throws IOException {
                file.sync();
            }

            @Override
            public boolean isOpen() {
                return file.isOpen();
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }
}
