package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.SettingsException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomCropTest {

    private static final RandomCropProvider PROVIDER = new RandomCropProvider();

    /**
     * Every 2x2 window of [[1, 2], [3, 4]] padded by one zero on each side:
     *
     * <pre>
     * 0 0 0 0
     * 0 1 2 0
     * 0 3 4 0
     * 0 0 0 0
     * </pre>
     *
     * by first row (0..2), then first column (0..2).
     */
    private static final List<List<Float>> PADDED_WINDOWS =
            List.of(
                    List.of(0f, 0f, 0f, 1f),
                    List.of(0f, 0f, 1f, 2f),
                    List.of(0f, 0f, 2f, 0f),
                    List.of(0f, 1f, 0f, 3f),
                    List.of(1f, 2f, 3f, 4f),
                    List.of(2f, 0f, 4f, 0f),
                    List.of(0f, 3f, 0f, 0f),
                    List.of(3f, 4f, 0f, 0f),
                    List.of(4f, 0f, 0f, 0f));

    private static List<Float> values(HostImage image) {
        List<Float> values = new ArrayList<>();
        for (float v : image.pixels()) {
            values.add(v);
        }
        return values;
    }

    @Test
    void withPaddingEveryOutputIsAWindowOfThePaddedImageAndEveryWindowOccurs() {
        HostImage image = Images.of(1, 2, 2, 1, 2, 3, 4);
        ImageTransform crop = Images.create(PROVIDER, "size = 2, padding = 1");
        Set<List<Float>> seen = new HashSet<>();

        for (long seed = 0; seed < 300; seed++) {
            HostImage out = crop.apply(image, new SplittableRandom(seed));
            assertThat(out.shape()).isEqualTo(new ImageShape(1, 2, 2));
            assertThat(PADDED_WINDOWS).contains(values(out));
            seen.add(values(out));
        }

        assertThat(seen).containsExactlyInAnyOrderElementsOf(PADDED_WINDOWS);
    }

    @Test
    void theRowThenTheColumnAreDrawnUniformlyWithOneValueEach() {
        // 1x3x4 ramp v = 4y + x, 2x2 crop without padding: top in {0, 1}, left in {0, 1, 2}, from
        // floor(u * 2) and floor(u * 3) of the generator's first two doubles
        HostImage image = Images.ramp(1, 3, 4);
        ImageTransform crop = Images.create(PROVIDER, "size = [2, 2]");
        Set<String> offsets = new HashSet<>();

        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom reference = new SplittableRandom(seed);
            int top = (int) (reference.nextDouble() * 2);
            int left = (int) (reference.nextDouble() * 3);
            SplittableRandom random = new SplittableRandom(seed);

            HostImage out = crop.apply(image, random);

            float corner = 4 * top + left;
            assertThat(out.pixels()).containsExactly(corner, corner + 1, corner + 4, corner + 5);
            assertThat(random.nextLong()).as("two draws").isEqualTo(reference.nextLong());
            offsets.add(top + "," + left);
        }

        assertThat(offsets).containsExactlyInAnyOrder("0,0", "0,1", "0,2", "1,0", "1,1", "1,2");
    }

    @Test
    void aCropWithOnePlaceToGoStillTakesTwoDraws() {
        HostImage image = Images.ramp(2, 3, 3);
        SplittableRandom random = new SplittableRandom(7);
        SplittableRandom reference = new SplittableRandom(7);
        reference.nextDouble();
        reference.nextDouble();

        HostImage out = Images.create(PROVIDER, "size = 3").apply(image, random);

        assertThat(out.pixels()).containsExactly(image.pixels());
        assertThat(random.nextLong()).isEqualTo(reference.nextLong());
    }

    @Test
    void theSameSeedGivesTheSameCropAndTheInputIsNotModified() {
        HostImage image = Images.ramp(3, 6, 5);
        float[] before = image.pixels().clone();
        ImageTransform crop = Images.create(PROVIDER, "size = [3, 4], padding = 2");

        for (long seed = 0; seed < 20; seed++) {
            assertThat(crop.apply(image, new SplittableRandom(seed)).pixels())
                    .containsExactly(crop.apply(image, new SplittableRandom(seed)).pixels());
        }

        assertThat(image.pixels()).containsExactly(before);
        assertThat(crop.isRandom()).isTrue();
    }

    @Test
    void aCropLargerThanThePaddedImageIsRefusedByOutputShapeNamingTheKey() {
        ImageTransform crop = Images.create(PROVIDER, "size = 5, padding = 1");

        assertThat(crop.outputShape(new ImageShape(1, 3, 3))).isEqualTo(new ImageShape(1, 5, 5));
        assertThatThrownBy(() -> crop.outputShape(new ImageShape(1, 2, 3)))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        Images.AT
                                + ".size: a 5x5 crop does not fit in a 2x3 image padded by 1 on"
                                + " each side (4x5)");
    }

    @Test
    void aNegativePaddingIsRefused() {
        assertThatThrownBy(() -> Images.create(PROVIDER, "size = 2, padding = -1"))
                .isInstanceOf(SettingsException.class)
                .hasMessage(Images.AT + ".padding: must be a whole number at least 0 but is -1");
    }
}
