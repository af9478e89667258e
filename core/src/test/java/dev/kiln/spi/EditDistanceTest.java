package dev.kiln.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EditDistanceTest {

    @Test
    void countsInsertionsDeletionsAndSubstitutions() {
        assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
        assertThat(EditDistance.between("", "abc")).isEqualTo(3);
        assertThat(EditDistance.between("seed", "seed")).isZero();
        assertThat(EditDistance.between("jsno", "json")).as("a swap is one edit").isEqualTo(1);
    }

    @Test
    void underscoresAndCamelCaseAreSpelledWithDashes() {
        assertThat(EditDistance.between("base_lr", "base-lr")).isZero();
        assertThat(EditDistance.between("baseLr", "base-lr")).isZero();
        assertThat(EditDistance.between("MAX_ITER", "max-iter")).isZero();
    }

    @Test
    void suggestsOnlyPlausibleTypos() {
        List<String> solverKeys = List.of("base-lr", "batch-size", "max-iter", "momentum");
        assertThat(NameSuggester.closest("base_lr", solverKeys)).contains("base-lr");
        assertThat(NameSuggester.closest("max_iters", solverKeys)).contains("max-iter");
        assertThat(NameSuggester.closest("momentun", solverKeys)).contains("momentum");
        assertThat(NameSuggester.closest("lr", solverKeys)).isEmpty();
        assertThat(NameSuggester.closest("completely-else", solverKeys)).isEmpty();
    }
}
