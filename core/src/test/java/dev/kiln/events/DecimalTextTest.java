package dev.kiln.events;

import static org.assertj.core.api.Assertions.assertThat;

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
}
