package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingSamplerTest {

    @Test
    void eachShuffledEpochIsAFreshPermutation() {
        TrainingSampler sampler = new TrainingSampler(10, true, 42);
        int[] previous = null;
        for (int epoch = 0; epoch < 5; epoch++) {
            assertThat(sampler.position()).isEqualTo(new SamplerPosition(epoch, 0));
            int[] order = sampler.nextIndices(10);
            assertThat(order).containsExactlyInAnyOrder(IntStream.range(0, 10).toArray());
            if (previous != null) {
                assertThat(order).isNotEqualTo(previous);
            }
            previous = order;
        }
    }

    @Test
    void unshuffledEpochsAreInOrder() {
        TrainingSampler sampler = new TrainingSampler(4, false, 42);
        assertThat(sampler.nextIndices(10)).containsExactly(0, 1, 2, 3, 0, 1, 2, 3, 0, 1);
        assertThat(sampler.position()).isEqualTo(new SamplerPosition(2, 2));
    }

    @Test
    void sameSeedSameStreamOtherSeedOtherStream() {
        int[] a = new TrainingSampler(50, true, 1).nextIndices(200);
        int[] b = new TrainingSampler(50, true, 1).nextIndices(200);
        int[] c = new TrainingSampler(50, true, 2).nextIndices(200);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 6, 7, 13, 20, 29})
    void resumedSamplerMatchesUninterruptedOne(int cut) {
        int[] uninterrupted = new TrainingSampler(7, true, 99).nextIndices(40);

        TrainingSampler first = new TrainingSampler(7, true, 99);
        first.nextIndices(cut);
        SamplerPosition saved = first.position();

        TrainingSampler resumed = new TrainingSampler(7, true, 99, saved);
        int[] rest = resumed.nextIndices(40 - cut);
        assertThat(rest).containsExactly(Arrays.copyOfRange(uninterrupted, cut, 40));

        TrainingSampler sought = new TrainingSampler(7, true, 99);
        sought.nextIndices(3);
        sought.seek(saved);
        assertThat(sought.nextIndices(40 - cut)).containsExactly(rest);
    }

    @Test
    void finishedEpochIsReportedAsStartOfNext() {
        TrainingSampler sampler = new TrainingSampler(3, true, 5);
        sampler.nextIndices(3);
        assertThat(sampler.position()).isEqualTo(new SamplerPosition(1, 0));
        TrainingSampler atEnd = new TrainingSampler(3, true, 5, new SamplerPosition(0, 3));
        assertThat(atEnd.nextIndices(6)).containsExactly(sampler.nextIndices(6));
    }

    @Test
    void rejectsBadPositionsAndSizes() {
        assertThatThrownBy(() -> new TrainingSampler(3, true, 5, new SamplerPosition(0, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset 4 is past the dataset size 3");
        assertThatThrownBy(() -> new TrainingSampler(0, true, 5))
                .hasMessage("dataset size must be at least 1, got 0");
        assertThatThrownBy(() -> new SamplerPosition(-1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
