package dev.kiln.writers.tensorboard;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Frames records as TFRecord does, all integers little-endian: the data's length (uint64), the
 * masked CRC-32C of those 8 bytes (uint32), the data, the masked CRC-32C of the data (uint32).
 */
final class TfRecordWriter {

    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);

    /** @param out where the records go */
    TfRecordWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes one record.
     *
     * @param data the record's bytes
     * @throws IOException if writing fails
     */
    void write(byte[] data) throws IOException {
        header.clear();
        header.putLong(data.length);
        header.putInt(MaskedCrc32c.masked(header.array(), 0, 8));
        out.write(header.array(), 0, 12);
        out.write(data);
        footer.clear();
        footer.putInt(MaskedCrc32c.masked(data, 0, data.length));
        out.write(footer.array(), 0, 4);
    }
}
