package dev.kiln.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsTableTest {

    @Test
    void oneRowPerMetricInOrderAlignedForCopyAndPaste() {
        Map<String, Double> results = new LinkedHashMap<>();
        results.put("test/accuracy", 0.97222);
        results.put("test/loss", 0.1);
        assertThat(ResultsTable.of(results))
                .isEqualTo(
                        "| metric        | value  |\n"
                                + "|---------------|--------|\n"
                                + "| test/accuracy | 0.9722 |\n"
                                + "| test/loss     | 0.1000 |");
    }

    @Test
    void valuesHaveFourDecimalsOrScientificNotationWhenTiny() {
        assertThat(ResultsTable.format(0.97225)).isEqualTo("0.9723");
        assertThat(ResultsTable.format(0)).isEqualTo("0.0000");
        assertThat(ResultsTable.format(12.5)).isEqualTo("12.5000");
        assertThat(ResultsTable.format(1.2345e-5)).isEqualTo("1.235e-05");
        assertThat(ResultsTable.format(Double.NaN)).isEqualTo("NaN");
    }
}
