package dev.kiln.checkpoint;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/** A new file being written by the checkpointer: bytes in order, then {@link #sync()}, then close. */
public interface WritableFile extends WritableByteChannel {

    /**
     * Forces everything written so far to the storage device.
     *
     * @throws IOException if the device reports a failure
     */
    void sync() throws IOException;
}
