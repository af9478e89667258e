package dev.kiln.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CombinedEvaluatorTest {

    /** Returns fixed results and counts its calls. */
    static final class Fixed implements Evaluator {
        final Map<String, Double> results;
        final List<String> calls = new ArrayList<>();

        Fixed(Map<String, Double> results) {
            this.results = results;
        }

        @Override
        public void reset() {
            calls.add("reset");
        }

        @Override
        public void process(NDList inputs, NDList outputs, NDList labels) {
            calls.add("process");
        }

        @Override
        public Map<String, Double> evaluate() {
            return results;
        }
    }

    static final class Other extends Evaluator0 {}

    /** A second class, so the message names two. */
    static class Evaluator0 implements Evaluator {
        @Override
        public void reset() {}

        @Override
        public void process(NDList inputs, NDList outputs, NDList labels) {}

        @Override
        public Map<String, Double> evaluate() {
            return Map.of("accuracy", 0.5);
        }
    }

    @Test
    void everyEvaluatorSeesEveryBatchAndResultsAreMergedInOrder() {
        Fixed a = new Fixed(Map.of("accuracy", 0.9));
        Fixed b = new Fixed(Map.of("loss", 0.3));
        CombinedEvaluator combined = new CombinedEvaluator(List.of(a, b));
        combined.reset();
        combined.process(new NDList(), new NDList(), new NDList());
        combined.process(new NDList(), new NDList(), new NDList());
        assertThat(a.calls).containsExactly("reset", "process", "process");
        assertThat(b.calls).isEqualTo(a.calls);
        assertThat(combined.evaluate())
                .containsExactly(Map.entry("accuracy", 0.9), Map.entry("loss", 0.3));
    }

    @Test
    void twoResultsOfOneNameAreAnErrorNamingBothEvaluators() {
        CombinedEvaluator combined =
                new CombinedEvaluator(List.of(new Fixed(Map.of("accuracy", 0.9)), new Other()));
        assertThatThrownBy(combined::evaluate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'accuracy'")
                .hasMessageContaining(Fixed.class.getName())
                .hasMessageContaining(Other.class.getName());
    }
}
