package dev.kiln.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalTextTest {

    @Test
    void significantDigitsReadLikePythonsG() {
        // Expected values are what Python prints for format(v, ".4g") and ".5g".
        assertThat(DecimalText.significant(0.1234, 4)).isEqualTo("0.1234");
        assertThat(DecimalText.significant(0.5, 4)).isEqualTo("0.5");
        assertThat(DecimalText.significant(0.00018481, 4)).isEqualTo("0.0001848");
        assertThat(DecimalText.significant(0.000012345, 4)).isEqualTo("1.234e-05");
        assertThat(DecimalText.significant(123456, 4)).isEqualTo("1.235e+05");
        assertThat(DecimalText.significant(1234, 4)).isEqualTo("1234");
        assertThat(DecimalText.significant(-2.5, 4)).isEqualTo("-2.5");
        assertThat(DecimalText.significant(0.05, 5)).isEqualTo("0.05");
        assertThat(DecimalText.significant(0, 4)).isEqualTo("0");
        assertThat(DecimalText.significant(Double.NaN, 4)).isEqualTo("nan");
        assertThat(DecimalText.significant(Double.NEGATIVE_INFINITY, 4)).isEqualTo("-inf");
    }

    @Test
    void fixedPlacesReadLikePythonsF() {
        assertThat(DecimalText.fixed(0.00114, 4)).isEqualTo("0.0011");
        assertThat(DecimalText.fixed(0.25, 4)).isEqualTo("0.2500");
        assertThat(DecimalText.fixed(12.3456789, 4)).isEqualTo("12.3457");
    }

    @Test
    void theFastPathAgreesWithExactDecimalRounding() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // Values across many magnitudes, both signs, and exact ties such as 0.125 or 2.5e-3.
            double v =
                    switch (i % 4) {
                        case 0 ->
                                (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-12, 13));
                        case 1 ->
                                random.nextInt(-100_000, 100_000)
                                        / 8.0
                                        / Math.pow(10, random.nextInt(0, 6));
                        case 2 -> random.nextInt(1, 10_000) * Math.pow(10, random.nextInt(-8, 9));
                        default -> Double.longBitsToDouble(random.nextLong());
                    };
            if (!Double.isFinite(v)) {
                continue;
            }
            int digits = random.nextInt(1, 18);
            assertThat(DecimalText.significant(v, digits))
                    .as("significant(%s, %d)", v, digits)
                    .isEqualTo(DecimalText.exactSignificant(v, digits));
            int places = random.nextInt(0, 9);
            if (Math.abs(v) < 1e30) {
                assertThat(DecimalText.fixed(v, places))
                        .as("fixed(%s, %d)", v, places)
                        .isEqualTo(DecimalText.exactFixed(v, places));
            }
        }
    }

    @Test
    void roundingUpToTheNextPowerOfTenMovesTheExponent() {
        assertThat(DecimalText.significant(9.99996, 4)).isEqualTo("10");
        assertThat(DecimalText.significant(99995, 4)).isEqualTo("1e+05");
        assertThat(DecimalText.significant(0.000099996, 4)).isEqualTo("0.0001");
        assertThat(DecimalText.significant(1e-5, 4)).isEqualTo("1e-05");
        assertThat(DecimalText.significant(1000, 4)).isEqualTo("1000");
        assertThat(DecimalText.fixed(-0.00001, 4)).isEqualTo("0.0000");
        assertThat(DecimalText.fixed(2.5, 0)).isEqualTo("2");
        assertThat(DecimalText.fixed(0.125, 2)).isEqualTo("0.12");
    }
}
