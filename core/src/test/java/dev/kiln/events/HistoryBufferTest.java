package dev.kiln.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistoryBufferTest {

    @Test
    void medianAverageAndGlobalAverageOverAWindow() {
        HistoryBuffer h = new HistoryBuffer(100);
        double[] values = {5, 1, 4, 2, 3};
        for (int i = 0; i < values.length; i++) {
            h.update(values[i], 10 + i);
        }
        // newest three: 4, 2, 3 -> median 3, mean 3
        assertThat(h.median(3)).isEqualTo(3.0);
        assertThat(h.average(3)).isEqualTo(3.0);
        // newest four: 1, 4, 2, 3 -> median (2+3)/2
        assertThat(h.median(4)).isEqualTo(2.5);
        assertThat(h.globalAverage()).isEqualTo(3.0);
        assertThat(h.latest()).isEqualTo(3.0);
        assertThat(h.latestIteration()).isEqualTo(14);
        assertThat(h.values()).containsExactly(5, 1, 4, 2, 3);
        assertThat(h.iterations()).containsExactly(10, 11, 12, 13, 14);
    }

    @Test
    void keepsOnlyTheNewestValuesButAveragesAll() {
        HistoryBuffer h = new HistoryBuffer(4);
        for (int i = 1; i <= 10; i++) {
            h.update(i, i);
        }
        assertThat(h.size()).isEqualTo(4);
        assertThat(h.values()).containsExactly(7, 8, 9, 10);
        assertThat(h.iterations()).containsExactly(7, 8, 9, 10);
        assertThat(h.count()).isEqualTo(10);
        assertThat(h.globalAverage()).isEqualTo(5.5);
        assertThat(h.median(100)).isEqualTo(8.5);
    }

    @Test
    void emptyHistoryHasNoLatestValue() {
        HistoryBuffer h = new HistoryBuffer(4);
        assertThat(h.isEmpty()).isTrue();
        assertThatThrownBy(h::latest).hasMessageContaining("empty");
    }
}
