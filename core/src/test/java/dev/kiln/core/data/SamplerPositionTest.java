package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerPositionTest {

    @Test
    void survivesAJsonRoundTrip() {
        SamplerPosition position = new SamplerPosition(12_345_678_901L, 17);
        Map<String, Object> state = position.toState(Map.of("datasetSize", 40));
        assertThat(state).containsEntry("epoch", 12_345_678_901L).containsEntry("offset", 17);

        Gson gson = new Gson();
        Map<String, Object> back =
                gson.fromJson(
                        gson.toJson(state), new TypeToken<Map<String, Object>>() {}.getType());
        assertThat(back.get("epoch")).isInstanceOf(Double.class);
        assertThat(SamplerPosition.fromState(back)).isEqualTo(position);
        assertThat(SamplerPosition.fromState(Map.of("epoch", "3", "offset", 2)))
                .isEqualTo(new SamplerPosition(3, 2));
    }

    @Test
    void rejectsMissingOrFractionalValues() {
        assertThatThrownBy(() -> SamplerPosition.fromState(Map.of("epoch", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch source state lacks \"offset\"; it has [epoch]");
        assertThatThrownBy(() -> SamplerPosition.fromState(Map.of("epoch", 1.5, "offset", 0)))
                .hasMessage("batch source state \"epoch\" is not a whole number: 1.5");
        assertThatThrownBy(() -> SamplerPosition.fromState(Map.of("epoch", "x", "offset", 0)))
                .hasMessage("batch source state \"epoch\" is not a whole number: x");
    }
}
