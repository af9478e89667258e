package dev.kiln.writers.tensorboard;

import java.util.zip.CRC32C;

/** The masked CRC-32C (Castagnoli) of TFRecord framing. */
final class MaskedCrc32c {

    private static final int MASK_DELTA = 0xa282ead8;

    private MaskedCrc32c() {}

    /**
     * @param data bytes
     * @param offset the first byte
     * @param length how many bytes
     * @return the plain CRC-32C of the bytes
     */
    static int crc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    /**
     * Masks a CRC as TFRecord stores it: rotated right by 15 bits, plus a constant, so that the
     * CRC of data that itself holds CRCs is not degenerate.
     *
     * @param crc a CRC-32C
     * @return the masked CRC
     */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /**
     * @param data bytes
     * @param offset the first byte
     * @param length how many bytes
     * @return the masked CRC-32C of the bytes
     */
    static int masked(byte[] data, int offset, int length) {
        return mask(crc32c(data, offset, length));
    }
}
