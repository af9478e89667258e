package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.SettingsException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RandomFlipTest {

    private static final RandomFlipProvider PROVIDER = new RandomFlipProvider();

    // [[0, 1, 2], [3, 4, 5]] and, on the second channel, the same plus 10
    private static final HostImage IMAGE =
            Images.of(2, 2, 3, 0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15);
    private static final float[] MIRRORED = {2, 1, 0, 5, 4, 3, 12, 11, 10, 15, 14, 13};
    private static final float[] UPSIDE_DOWN = {3, 4, 5, 0, 1, 2, 13, 14, 15, 10, 11, 12};

    @Test
    void horizontalIsTheDefaultAndBothOutcomesOccurOverSeeds() {
        ImageTransform flip = Images.create(PROVIDER, "");
        float[] before = IMAGE.pixels().clone();
        int flipped = 0;

        for (long seed = 0; seed < 1000; seed++) {
            HostImage out = flip.apply(IMAGE, new SplittableRandom(seed));
            boolean expected = new SplittableRandom(seed).nextDouble() < 0.5;
            if (expected) {
                assertThat(out.pixels()).containsExactly(MIRRORED);
                flipped++;
            } else {
                assertThat(out).isSameAs(IMAGE);
            }
            assertThat(out.shape()).isEqualTo(IMAGE.shape());
        }

        assertThat(flipped).as("about half of 1000").isBetween(440, 560);
        assertThat(IMAGE.pixels()).containsExactly(before);
        assertThat(flip.isRandom()).isTrue();
    }

    @Test
    void verticalReversesTheRowsWithProbabilityP() {
        ImageTransform flip = Images.create(PROVIDER, "direction = vertical, p = 0.25");
        int flipped = 0;

        for (long seed = 0; seed < 1000; seed++) {
            HostImage out = flip.apply(IMAGE, new SplittableRandom(seed));
            if (out != IMAGE) {
                assertThat(out.pixels()).containsExactly(UPSIDE_DOWN);
                flipped++;
            }
        }

        assertThat(flipped).as("about a quarter of 1000").isBetween(200, 300);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.5, 1})
    void eachImageTakesExactlyOneDrawWhateverP(double p) {
        ImageTransform flip = Images.create(PROVIDER, "p = " + p);

        for (long seed = 0; seed < 50; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            SplittableRandom reference = new SplittableRandom(seed);
            reference.nextDouble();

            HostImage out = flip.apply(IMAGE, random);

            assertThat(random.nextLong()).isEqualTo(reference.nextLong());
            if (p == 0) {
                assertThat(out).isSameAs(IMAGE);
            } else if (p == 1) {
                assertThat(out.pixels()).containsExactly(MIRRORED);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameOutcome() {
        ImageTransform flip = Images.create(PROVIDER, "direction = horizontal");
        for (long seed = 0; seed < 20; seed++) {
            assertThat(flip.apply(IMAGE, new SplittableRandom(seed)).pixels())
                    .containsExactly(flip.apply(IMAGE, new SplittableRandom(seed)).pixels());
        }
        assertThat(flip.outputShape(new ImageShape(3, 7, 9))).isEqualTo(new ImageShape(3, 7, 9));
    }

    @Test
    void aBadDirectionOrProbabilityIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> Images.create(PROVIDER, "direction = diagonal"))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        Images.AT
                                + ".direction: unknown value \"diagonal\"; expected one of:"
                                + " horizontal, vertical");
        assertThatThrownBy(() -> Images.create(PROVIDER, "p = 1.5"))
                .isInstanceOf(SettingsException.class)
                .hasMessage(Images.AT + ".p: must be a number in [0.0, 1.0] but is 1.5");
    }
}
