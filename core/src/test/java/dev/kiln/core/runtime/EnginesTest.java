package dev.kiln.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnginesTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "pytorch", "PYTORCH", " MXNet ", "mxnet"})
    void findsEnginesIgnoringCase(String name) {
        Engine engine = Engines.byName(name);
        assertThat(engine.getEngineName()).isEqualToIgnoringCase(name.trim());
        assertThat(Engines.hasEngine(name)).isTrue();
    }

    @Test
    void listsAvailableEnginesSorted() {
        // DJL's api jar also registers its RPC engine.
        assertThat(Engines.available()).containsSubsequence("MXNet", "PyTorch").isSorted();
    }

    @Test
    void unknownEngineNamesTheAvailableOnes() {
        assertThat(Engines.hasEngine("Foo")).isFalse();
        assertThatThrownBy(() -> Engines.byName("Foo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown engine \"Foo\"; available: "
                                + String.join(", ", Engines.available()))
                .hasMessageContaining("MXNet, PyTorch");
    }
}
