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

class RandomResizedCropTest {

    private static final RandomResizedCropProvider PROVIDER = new RandomResizedCropProvider();

    private static RandomResizedCrop create(String hocon) {
        return (RandomResizedCrop) Images.create(PROVIDER, hocon);
    }

    private static List<Float> values(HostImage image) {
        List<Float> values = new ArrayList<>();
        for (float v : image.pixels()) {
            values.add(v);
        }
        return values;
    }

    /** A generator after {@code count} doubles, to compare what is left. */
    private static SplittableRandom after(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            random.nextDouble();
        }
        return random;
    }

    @Test
    void theWholeImageAsWindowIsResizedBilinearly() {
        // scale [1, 1], ratio [1, 1] on 4x4: area 16, the window sqrt(16) = 4 each way, at (0, 0);
        // resized to 2x2 it is resize's downsample of the ramp: 2.5, 4.5, 10.5, 12.5
        ImageTransform crop = create("size = 2, scale = [1, 1], ratio = [1, 1]");

        for (long seed = 0; seed < 10; seed++) {
            HostImage out = crop.apply(Images.ramp(1, 4, 4), new SplittableRandom(seed));
            assertThat(out.shape()).isEqualTo(new ImageShape(1, 2, 2));
            assertThat(out.pixels()).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
        }
    }

    @Test
    void aWindowOfTheOutputSizeIsCopiedAndEveryPlaceOccurs() {
        // scale [0.25, 0.25], ratio [1, 1] on the 4x4 ramp v = 4y + x: area 4, a 2x2 window at
        // any of 3x3 places, resized to 2x2 (a copy): top-left corner c = 4 * top + left gives
        // [c, c + 1, c + 4, c + 5]
        ImageTransform crop = create("size = [2, 2], scale = [0.25, 0.25], ratio = [1, 1]");
        List<List<Float>> windows = new ArrayList<>();
        for (int top = 0; top < 3; top++) {
            for (int left = 0; left < 3; left++) {
                float c = 4 * top + left;
                windows.add(List.of(c, c + 1, c + 4, c + 5));
            }
        }
        Set<List<Float>> seen = new HashSet<>();

        for (long seed = 0; seed < 300; seed++) {
            List<Float> out = values(crop.apply(Images.ramp(1, 4, 4), new SplittableRandom(seed)));
            assertThat(windows).contains(out);
            seen.add(out);
        }

        assertThat(seen).containsExactlyInAnyOrderElementsOf(windows);
    }

    @Test
    void theWindowFollowsTorchvisionsRoundingAndTakesTwentyTwoDraws() {
        // 10x10, scale 0.5, ratio 1: area 50, sqrt(50) = 7.07 rounds to 7; the first attempt fits,
        // the offsets are uniform in [0, 3]; all 22 values are drawn
        RandomResizedCrop crop = create("size = 5, scale = [0.5, 0.5], ratio = [1, 1]");
        Set<Integer> tops = new HashSet<>();
        Set<Integer> lefts = new HashSet<>();

        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int[] window = crop.window(10, 10, random);
            assertThat(window[2]).isEqualTo(7);
            assertThat(window[3]).isEqualTo(7);
            SplittableRandom reference = after(seed, 20);
            assertThat(window[0]).isEqualTo((int) (reference.nextDouble() * 4));
            assertThat(window[1]).isEqualTo((int) (reference.nextDouble() * 4));
            assertThat(random.nextLong()).as("22 draws").isEqualTo(reference.nextLong());
            tops.add(window[0]);
            lefts.add(window[1]);
        }

        assertThat(tops).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(lefts).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void whenNoAttemptFitsTheCentreAtTheNearestRatioIsTakenAfterTheSameDraws() {
        // 2x8 with scale 1 and ratio 1: every attempt wants 4x4, taller than the image. The
        // image's ratio 8 / 2 = 4 is above 1, so the window is the full height 2 and
        // round(2 * 1) = 2 wide, at row 0 and column (8 - 2) / 2 = 3: of the ramp v = 8y + x,
        // [3, 4, 11, 12].
        RandomResizedCrop crop = create("size = 2, scale = [1, 1], ratio = [1, 1]");
        // 8x2 the other way: the width 2, round(2 / 1) = 2 high, at row (8 - 2) / 2 = 3: of the
        // ramp v = 2y + x, [6, 7, 8, 9]
        for (long seed = 0; seed < 10; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            assertThat(crop.apply(Images.ramp(1, 2, 8), random).pixels())
                    .containsExactly(3, 4, 11, 12);
            assertThat(random.nextLong()).as("22 draws").isEqualTo(after(seed, 22).nextLong());
            assertThat(crop.apply(Images.ramp(1, 8, 2), new SplittableRandom(seed)).pixels())
                    .containsExactly(6, 7, 8, 9);
        }
        // an image whose ratio is in range falls back to itself: on 3x3 an area of 0.09 makes
        // every attempt round(sqrt(0.09 * r)) = 0 wide or high, r in [0.5, 2]
        assertThat(
                        create("size = 2, scale = [0.01, 0.01], ratio = [0.5, 2]")
                                .window(3, 3, new SplittableRandom(0)))
                .containsExactly(0, 0, 3, 3);
    }

    @Test
    void theDefaultsVaryTheCropOverSeedsAndTheSameSeedRepeatsIt() {
        HostImage image = Images.ramp(3, 12, 16);
        float[] before = image.pixels().clone();
        ImageTransform crop = create("size = [6, 5]");
        Set<List<Float>> outputs = new HashSet<>();

        for (long seed = 0; seed < 30; seed++) {
            HostImage out = crop.apply(image, new SplittableRandom(seed));
            assertThat(out.shape()).isEqualTo(new ImageShape(3, 6, 5));
            assertThat(out.pixels())
                    .containsExactly(crop.apply(image, new SplittableRandom(seed)).pixels());
            for (float v : out.pixels()) {
                assertThat(v).isBetween(0f, image.shape().size() - 1f);
            }
            outputs.add(values(out));
        }

        assertThat(outputs).hasSizeGreaterThan(25);
        assertThat(image.pixels()).containsExactly(before);
        assertThat(crop.isRandom()).isTrue();
        assertThat(crop.outputShape(new ImageShape(1, 2, 2))).isEqualTo(new ImageShape(1, 6, 5));
    }

    @Test
    void badRangesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> create("size = 4, scale = [0.5, 0.2]"))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        Images.AT
                                + ".scale: must be a list [min, max] with 0 < min <= max <= 1.0"
                                + " but is [0.5,0.2]");
        assertThatThrownBy(() -> create("size = 4, scale = [0.5, 1.5]"))
                .hasMessageContaining(".scale: must be a list [min, max]");
        assertThatThrownBy(() -> create("size = 4, ratio = [0, 1]"))
                .hasMessage(
                        Images.AT
                                + ".ratio: must be a list [min, max] with 0 < min <= max but is"
                                + " [0,1]");
        assertThatThrownBy(() -> create("size = 4, ratio = [1]"))
                .hasMessageContaining(".ratio: must be a list [min, max]");
        assertThatThrownBy(() -> create("scale = [0.5, 1]"))
                .hasMessageContaining(".size: required value missing");
    }
}
