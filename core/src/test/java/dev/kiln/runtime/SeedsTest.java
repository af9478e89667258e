package dev.kiln.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeedsTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void seedingTheEngineRepeatsItsRandomNumbers(String engineName) {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Seeds.of(7).engine(engine);
            float[] first = manager.randomUniform(0, 1, new Shape(8)).toFloatArray();
            Seeds.of(7).engine(engine);
            float[] again = manager.randomUniform(0, 1, new Shape(8)).toFloatArray();
            Seeds.of(8).engine(engine);
            float[] other = manager.randomUniform(0, 1, new Shape(8)).toFloatArray();
            assertThat(again).containsExactly(first);
            assertThat(other).isNotEqualTo(first);
            assertThat(engine.getSeed()).isEqualTo(8);
        }
    }

    @Test
    void engineSeedIsTheRunSeedWhenItFits() {
        assertThat(Seeds.of(42).engineSeed()).isEqualTo(42);
        assertThat(Seeds.of(1L << 40).engineSeed()).isEqualTo(Long.hashCode(1L << 40));
    }

    @Test
    void derivedStreamsAreStableAndIndependentByName() {
        Seeds seeds = Seeds.of(42);
        assertThat(seeds.derive("sampler")).isEqualTo(Seeds.of(42).derive("sampler"));
        assertThat(seeds.derive("sampler")).isNotEqualTo(seeds.derive("split"));
        assertThat(seeds.derive("sampler")).isNotEqualTo(Seeds.of(43).derive("sampler"));
        assertThat(seeds.random("split").nextLong()).isEqualTo(seeds.random("split").nextLong());
        assertThat(seeds.javaRandom("split").nextInt())
                .isEqualTo(seeds.javaRandom("split").nextInt());
    }
}
