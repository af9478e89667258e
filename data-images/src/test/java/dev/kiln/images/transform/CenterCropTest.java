package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.SettingsException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CenterCropTest {

    private static final CenterCropProvider PROVIDER = new CenterCropProvider();

    @Test
    void cutsTheCentreRoundingHalfMarginsToEven() {
        // the ramp v = 5y + x of 4x5:
        //  0  1  2  3  4
        //  5  6  7  8  9
        // 10 11 12 13 14
        // 15 16 17 18 19
        HostImage image = Images.ramp(1, 4, 5);

        // 2x2: top = round(2 / 2) = 1, left = round(3 / 2) = round(1.5) = 2
        HostImage square =
                Images.create(PROVIDER, "size = 2").apply(image, new SplittableRandom(0));
        assertThat(square.shape()).isEqualTo(new ImageShape(1, 2, 2));
        assertThat(square.pixels()).containsExactly(7, 8, 12, 13);

        // 3x1: top = round(0.5) = 0 (half to even), left = round(4 / 2) = 2
        HostImage column =
                Images.create(PROVIDER, "size = [3, 1]").apply(image, new SplittableRandom(0));
        assertThat(column.pixels()).containsExactly(2, 7, 12);
    }

    @Test
    void cropsEveryChannelAtTheSamePlace() {
        // 2x3x3 ramp: channel 0 is 0..8, channel 1 is 9..17; the 1x1 centre is (1, 1)
        HostImage out =
                Images.create(PROVIDER, "size = 1")
                        .apply(Images.ramp(2, 3, 3), new SplittableRandom(0));

        assertThat(out.pixels()).containsExactly(4, 13);
    }

    @Test
    void theWholeImageIsReturnedAsItIs() {
        HostImage image = Images.ramp(1, 3, 4);

        assertThat(Images.create(PROVIDER, "size = [3, 4]").apply(image, new SplittableRandom(0)))
                .isSameAs(image);
    }

    @Test
    void aCropLargerThanTheImageIsRefusedByOutputShapeNamingTheKey() {
        ImageTransform crop = Images.create(PROVIDER, "size = [5, 4]");

        assertThat(crop.outputShape(new ImageShape(3, 5, 4))).isEqualTo(new ImageShape(3, 5, 4));
        assertThatThrownBy(() -> crop.outputShape(new ImageShape(3, 4, 5)))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        Images.AT
                                + ".size: a 5x4 crop does not fit in a 4x5 image (center-crop does"
                                + " not pad; resize first)");
    }

    @Test
    void theInputIsNotModified() {
        HostImage image = Images.ramp(1, 4, 4);
        float[] before = image.pixels().clone();

        Images.create(PROVIDER, "size = 2").apply(image, new SplittableRandom(0));

        assertThat(image.pixels()).containsExactly(before);
    }
}
