package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.SettingsException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResizeTest {

    private static final ResizeProvider PROVIDER = new ResizeProvider();

    private static HostImage resize(String size, HostImage image) {
        return Images.create(PROVIDER, "size = " + size).apply(image, new SplittableRandom(0));
    }

    @Test
    void upsamplesTwoByTwoToFourByFourWithHalfPixelCentres() {
        // in = 2, out = 4: s = (d + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (both
        // neighbours are pixel 1), so along each axis out = [a, 0.75a + 0.25b, 0.25a + 0.75b, b].
        // Rows of [[0, 4], [8, 12]]: [0, 1, 3, 4] and [8, 9, 11, 12]; the middle rows mix them
        // 0.75/0.25 and 0.25/0.75: [2, 3, 5, 6] and [6, 7, 9, 10].
        HostImage image = Images.of(1, 2, 2, 0, 4, 8, 12);

        HostImage out = resize("[4, 4]", image);

        assertThat(out.shape()).isEqualTo(new ImageShape(1, 4, 4));
        assertThat(out.pixels()).containsExactly(0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12);
    }

    @Test
    void downsamplesFourByFourToTwoByTwoWithoutAntialias() {
        // in = 4, out = 2: s = (d + 0.5) * 2 - 0.5 = 0.5, 2.5: each output is the mean of the 2x2
        // block at rows 2d..2d+1, columns 2e..2e+1 of the ramp v = 4y + x:
        // (0+1+4+5)/4 = 2.5, (2+3+6+7)/4 = 4.5, (8+9+12+13)/4 = 10.5, (10+11+14+15)/4 = 12.5.
        HostImage out = resize("[2, 2]", Images.ramp(1, 4, 4));

        assertThat(out.pixels()).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
    }

    @Test
    void interpolatesBetweenPixelsAtANonIntegerScale() {
        // width 3 -> 2: scale 1.5, s = 0.25 (0.75 * 10 + 0.25 * 20 = 12.5) and s = 1.75
        // (0.25 * 20 + 0.75 * 30 = 27.5); the single row stays (height 1 -> 1, s = 0).
        HostImage out = resize("[1, 2]", Images.of(1, 1, 3, 10, 20, 30));

        assertThat(out.pixels()).containsExactly(12.5f, 27.5f);
    }

    @Test
    void resizesEachChannelAlike() {
        // the second channel is the first plus 100: so are its upsampled values
        HostImage image = Images.of(2, 2, 2, 0, 4, 8, 12, 100, 104, 108, 112);

        HostImage out = resize("[4, 4]", image);

        assertThat(out.shape()).isEqualTo(new ImageShape(2, 4, 4));
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat(out.get(1, y, x)).isEqualTo(out.get(0, y, x) + 100);
            }
        }
    }

    @Test
    void oneNumberSetsTheShorterSideAndKeepsTheAspectTruncated() {
        ImageTransform resize = Images.create(PROVIDER, "size = 2");

        // 4x6: the height is shorter, the width 2 * 6 / 4 = 3
        assertThat(resize.outputShape(new ImageShape(3, 4, 6))).isEqualTo(new ImageShape(3, 2, 3));
        // 6x4: the width is shorter
        assertThat(resize.outputShape(new ImageShape(1, 6, 4))).isEqualTo(new ImageShape(1, 3, 2));
        // 3x4: 2 * 4 / 3 = 2.67, truncated to 2 as torchvision's int()
        assertThat(resize.outputShape(new ImageShape(1, 3, 4))).isEqualTo(new ImageShape(1, 2, 2));
        // square
        assertThat(resize.outputShape(new ImageShape(1, 5, 5))).isEqualTo(new ImageShape(1, 2, 2));
        // and apply makes that shape: 1x4x6 ramp to 1x2x3, each output the mean of a 2x2 block
        HostImage out = resize.apply(Images.ramp(1, 4, 6), new SplittableRandom(0));
        assertThat(out.shape()).isEqualTo(new ImageShape(1, 2, 3));
        // row s = 0.5 (rows 0, 1), columns s = 0.5, 2.5, 4.5: (0+1+6+7)/4 = 3.5, 5.5, 7.5
        assertThat(out.pixels()).containsExactly(3.5f, 5.5f, 7.5f, 15.5f, 17.5f, 19.5f);
    }

    @Test
    void anImageAlreadyOfTheSizeIsReturnedAsItIs() {
        HostImage image = Images.ramp(1, 3, 3);

        assertThat(resize("3", image)).isSameAs(image);
        assertThat(resize("[3, 3]", image)).isSameAs(image);
    }

    @Test
    void theInputIsNotModified() {
        HostImage image = Images.ramp(2, 3, 5);
        float[] before = image.pixels().clone();

        resize("[7, 2]", image);
        resize("2", image);

        assertThat(image.pixels()).containsExactly(before);
    }

    @Test
    void aSizeThatIsNeitherANumberNorAPairIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> Images.create(PROVIDER, "size = [2, 3, 4]"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(Images.PATH + ".size: must be a whole number at least 1 or")
                .hasMessageContaining("but is [2,3,4]");
        assertThatThrownBy(() -> Images.create(PROVIDER, "size = [2, 0]"))
                .hasMessageContaining(Images.PATH + ".size:");
        assertThatThrownBy(() -> Images.create(PROVIDER, "size = 0"))
                .hasMessageContaining(Images.PATH + ".size: must be a whole number at least 1");
        assertThatThrownBy(() -> Images.create(PROVIDER, "size = big"))
                .hasMessageContaining("but is \"big\"");
        assertThatThrownBy(() -> Images.create(PROVIDER, ""))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        Images.PATH
                                + ".size: required value missing; it must be a whole number at"
                                + " least 1 or a list [height, width] of them");
    }
}
