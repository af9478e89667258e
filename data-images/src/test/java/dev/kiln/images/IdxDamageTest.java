package dev.kiln.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.data.DataFormatException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files that the fuzz test found read wrongly: each is now refused with one clear message. */
class IdxDamageTest {

    @TempDir Path tmp;

    @Test
    void aHeaderClaimingMoreValuesThanTheFileHoldsAllocatesNothingForThem() throws IOException {
        Path file =
                IdxTestFiles.write(
                        tmp.resolve("claims"), false, new int[] {1 << 15, 1 << 15}, new byte[4]);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> IdxFile.read(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        file
                                + ":1: the file ends before the 1073741824 values its dimensions"
                                + " [32768, 32768] say");
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(1 << 20);
    }

    @Test
    void aCompressedFileWhoseChecksumDoesNotMatchIsRefused() throws IOException {
        Path file = IdxTestFiles.write(tmp.resolve("crc.gz"), true, new int[] {3}, new byte[3]);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 8] ^= 1; // the CRC-32 of the gzip trailer
        Files.write(file, bytes);
        assertThatThrownBy(() -> IdxFile.read(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ":1: not a valid gzip-compressed file: ");
    }

    @Test
    void aDamagedCompressedStreamIsADataFormatException() throws IOException {
        Path file = IdxTestFiles.write(tmp.resolve("bad.gz"), true, new int[] {3}, new byte[3]);
        byte[] bytes = Files.readAllBytes(file);
        bytes[2] = 7; // not deflate, the one compression method of gzip
        Files.write(file, bytes);
        assertThatThrownBy(() -> IdxFile.read(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ":1: not a valid gzip-compressed file: ");
    }

    @Test
    void imagesWithoutPixelsAreRefusedByTheDataset() throws IOException {
        Path images = IdxTestFiles.write(tmp.resolve("i"), false, new int[] {2, 0, 4}, new byte[0]);
        Path labels = IdxTestFiles.write(tmp.resolve("l"), false, new int[] {2}, new byte[2]);
        assertThatThrownBy(() -> IdxDataset.read(images, labels, 2, false))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(images + ":1: images of 0x4 pixels; each needs a height");
    }
}
