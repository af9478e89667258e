package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.kiln.data.BatchSource;
import dev.kiln.data.TrainingBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A source built for one of N processes gathers only its share of each drawn batch: the shares of
 * the N sources, in rank order, are the whole batches of a source of the whole batch, augmentation
 * seeds included, across epochs and after a restored state.
 */
class BatchSharesTest {

    private static final int DRAWN = 6;
    private static final long SAMPLER_SEED = 5;
    private static final long AUGMENT_SEED = 77;

    private static SampledBatchSource source(int share, int shares) {
        return new SampledBatchSource(
                new ParallelGatheringTest.ShapedTable(true),
                new TrainingSampler(50, true, SAMPLER_SEED),
                DRAWN,
                3,
                1,
                AUGMENT_SEED,
                share,
                shares);
    }

    /** The features and labels of the next {@code count} batches, each flattened. */
    private static List<float[][]> read(BatchSource source, NDManager manager, int count) {
        List<float[][]> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            try (NDManager step = manager.newSubManager()) {
                TrainingBatch batch = source.next(step);
                int rows = DRAWN / source.shares();
                assertThat(batch.data().head().getShape()).isEqualTo(new Shape(rows, 2, 32, 32));
                out.add(
                        new float[][] {
                            batch.data().head().toFloatArray(), batch.labels().head().toFloatArray()
                        });
            }
        }
        return out;
    }

    private static float[] concat(List<float[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] out = new float[n];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, 2", "PyTorch, 3", "MXNet, 2"})
    void theSharesInRankOrderAreTheWholeBatches(String engine, int shares) {
        int batches = 20; // 120 rows: more than two epochs of 50
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            List<float[][]> whole;
            Map<String, Object> wholeState;
            try (SampledBatchSource one = source(0, 1)) {
                assertThat(one.shares()).isEqualTo(1);
                whole = read(one, manager, batches);
                wholeState = one.state();
            }
            List<List<float[][]>> parts = new ArrayList<>();
            for (int share = 0; share < shares; share++) {
                try (SampledBatchSource part = source(share, shares)) {
                    assertThat(part.shares()).isEqualTo(shares);
                    assertThat(part.batchSize()).isEqualTo(DRAWN / shares);
                    parts.add(read(part, manager, batches));
                    assertThat(part.state())
                            .as("position after the drawn batches")
                            .isEqualTo(wholeState);
                }
            }
            for (int b = 0; b < batches; b++) {
                for (int array = 0; array < 2; array++) {
                    List<float[]> pieces = new ArrayList<>();
                    for (List<float[][]> part : parts) {
                        pieces.add(part.get(b)[array]);
                    }
                    assertThat(Arrays.equals(concat(pieces), whole.get(b)[array]))
                            .as("batch %d, %s", b, array == 0 ? "features" : "labels")
                            .isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"PyTorch", "MXNet"})
    void aShareResumesAtTheDrawnPosition(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            List<float[][]> uninterrupted;
            try (SampledBatchSource share = source(1, 2)) {
                uninterrupted = read(share, manager, 12);
            }
            Map<String, Object> saved;
            try (SampledBatchSource first = source(0, 1)) {
                read(first, manager, 7);
                saved = first.state(); // a checkpoint of a run with whole batches
            }
            try (SampledBatchSource resumed = source(1, 2)) {
                resumed.loadState(saved);
                List<float[][]> rest = read(resumed, manager, 5);
                for (int b = 0; b < 5; b++) {
                    assertThat(rest.get(b)[0]).containsExactly(uninterrupted.get(7 + b)[0]);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"7, 0, 2", "6, 2, 2", "6, -1, 2", "6, 0, 0"})
    void aShareThatDoesNotCutTheBatchEvenlyIsRejected(int drawn, int share, int shares) {
        assertThatThrownBy(
                        () ->
                                new SampledBatchSource(
                                        new ParallelGatheringTest.ShapedTable(false),
                                        new TrainingSampler(50, true, 1),
                                        drawn,
                                        2,
                                        1,
                                        1,
                                        share,
                                        shares))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("equal shares");
    }
}
