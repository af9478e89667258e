package dev.kiln.writers.tensorboard;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.writers.tensorboard.proto.Event;
import dev.kiln.writers.tensorboard.proto.Summary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads an event file back and fails on anything a careful reader would reject: a short header,
 * a length whose masked CRC-32C does not match, a record running past the end of the file, data
 * whose masked CRC-32C does not match, bytes that do not parse as an {@code Event}, or fields
 * unknown to Kiln's protos. Written from the TFRecord description, independently of the writer.
 */
final class StrictEventReader {

    private StrictEventReader() {}

    static List<Event> read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    static List<Event> read(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        while (in.hasRemaining()) {
            int at = in.position();
            if (in.remaining() < 12) {
                throw new IllegalStateException("record at " + at + ": header cut short");
            }
            byte[] lengthBytes = new byte[8];
            in.get(lengthBytes);
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            int lengthCrc = in.getInt();
            if (lengthCrc != maskedCrc(lengthBytes)) {
                throw new IllegalStateException("record at " + at + ": length CRC mismatch");
            }
            if (length < 0 || length > in.remaining() - 4) {
                throw new IllegalStateException(
                        "record at " + at + ": length " + length + " runs past the end");
            }
            byte[] data = new byte[(int) length];
            in.get(data);
            int dataCrc = in.getInt();
            if (dataCrc != maskedCrc(data)) {
                throw new IllegalStateException("record at " + at + ": data CRC mismatch");
            }
            Event event;
            try {
                event = Event.parseFrom(data);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("record at " + at + ": not an Event: " + e, e);
            }
            if (!event.getUnknownFields().asMap().isEmpty()
                    || event.getSummary().getValueList().stream()
                            .map(Summary.Value::getUnknownFields)
                            .anyMatch(f -> !f.asMap().isEmpty())) {
                throw new IllegalStateException("record at " + at + ": unknown fields");
            }
            events.add(event);
        }
        return events;
    }

    /** CRC-32C by the JDK, masked as the TFRecord format says. */
    static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }
}
