package dev.kiln.writers.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.writers.tensorboard.proto.Event;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TfRecordFramingTest {

    private static int crc(byte[] data) {
        return MaskedCrc32c.crc32c(data, 0, data.length);
    }

    @Test
    void crc32cMatchesThePublishedTestVectors() {
        // RFC 3720 appendix B.4 and the usual check value
        assertThat(crc("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xE3069283);
        assertThat(crc(new byte[32])).isEqualTo(0x8A9136AA);
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        assertThat(crc(ones)).isEqualTo(0x62A8AB43);
        byte[] ascending = new byte[32];
        byte[] descending = new byte[32];
        for (int i = 0; i < 32; i++) {
            ascending[i] = (byte) i;
            descending[i] = (byte) (31 - i);
        }
        assertThat(crc(ascending)).isEqualTo(0x46DD794E);
        assertThat(crc(descending)).isEqualTo(0x113FDB5C);
    }

    @Test
    void theMaskRotatesRightByFifteenAndAddsTheDelta() {
        assertThat(MaskedCrc32c.mask(0)).isEqualTo(0xa282ead8);
        // 0x00008000 rotated right by 15 is 1
        assertThat(MaskedCrc32c.mask(0x8000)).isEqualTo(0xa282ead9);
        // the top bits wrap around: 0x00000001 rotated right by 15 is 0x00020000
        assertThat(MaskedCrc32c.mask(1)).isEqualTo(0x00020000 + 0xa282ead8);
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(MaskedCrc32c.masked(data, 0, 9)).isEqualTo(StrictEventReader.maskedCrc(data));
    }

    private static byte[] frame(List<Event> events) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TfRecordWriter writer = new TfRecordWriter(out);
        for (Event e : events) {
            writer.write(e.toByteArray());
        }
        return out.toByteArray();
    }

    @Test
    void recordsAreLengthCrcDataCrcLittleEndian() throws Exception {
        Event event = Event.newBuilder().setStep(7).setFileVersion("brain.Event:2").build();
        byte[] data = event.toByteArray();
        byte[] framed = frame(List.of(event));
        assertThat(framed).hasSize(8 + 4 + data.length + 4);
        ByteBuffer b = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong()).isEqualTo(data.length);
        assertThat(b.getInt()).isEqualTo(StrictEventReader.maskedCrc(Arrays.copyOf(framed, 8)));
        assertThat(Arrays.copyOfRange(framed, 12, 12 + data.length)).isEqualTo(data);
        b.position(12 + data.length);
        assertThat(b.getInt()).isEqualTo(StrictEventReader.maskedCrc(data));
        assertThat(StrictEventReader.read(framed)).containsExactly(event);
    }

    @Test
    void theStrictReaderRejectsEveryKindOfDamage() throws Exception {
        Event a = Event.newBuilder().setStep(1).setWallTime(2.5).build();
        Event b = Event.newBuilder().setStep(2).setFileVersion("x").build();
        byte[] good = frame(List.of(a, b));
        assertThat(StrictEventReader.read(good)).containsExactly(a, b);

        byte[] length = good.clone();
        length[0] ^= 1;
        assertThatThrownBy(() -> StrictEventReader.read(length)).hasMessageContaining("length CRC");

        byte[] data = good.clone();
        data[13] ^= 1;
        assertThatThrownBy(() -> StrictEventReader.read(data)).hasMessageContaining("data CRC");

        byte[] footer = good.clone();
        footer[12 + a.getSerializedSize()] ^= 1;
        assertThatThrownBy(() -> StrictEventReader.read(footer)).hasMessageContaining("data CRC");

        byte[] cut = Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> StrictEventReader.read(cut)).hasMessageContaining("past the end");

        byte[] shortHeader = Arrays.copyOf(good, 12 + a.getSerializedSize() + 4 + 5);
        assertThatThrownBy(() -> StrictEventReader.read(shortHeader))
                .hasMessageContaining("header cut short");

        // a record whose data is framed right but is not a protobuf message
        byte[] garbage = frameRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertThatThrownBy(() -> StrictEventReader.read(garbage))
                .hasMessageContaining("not an Event");

        // field 99 is no field of Event
        byte[] unknown = frameRaw(new byte[] {(byte) 0x98, 0x06, 0x01});
        assertThatThrownBy(() -> StrictEventReader.read(unknown))
                .hasMessageContaining("unknown fields");
    }

    private static byte[] frameRaw(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TfRecordWriter(out).write(data);
        return out.toByteArray();
    }
}
