package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.translate.Pipeline;
import dev.kiln.data.BatchSource;
import dev.kiln.data.HostTable;
import dev.kiln.data.TrainingBatch;
import dev.kiln.runtime.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batches gathered by several threads, of shaped examples with several labels and per-example
 * seeds, and batches of generic datasets through their pipeline.
 */
class ParallelGatheringTest {

    private static final int ROWS = 50;
    private static final int BATCH = 32;
    private static final long AUGMENT_SEED = 77;

    /**
     * Examples of shape (2, 32, 32), large enough to be shared out: value i of row r is r * 10000
     * + i, plus (when randomized) the seed's last digit; two labels r and -r.
     */
    static class ShapedTable implements HostTable {
        final boolean randomized;

        ShapedTable(boolean randomized) {
            this.randomized = randomized;
        }

        @Override
        public int rowCount() {
            return ROWS;
        }

        @Override
        public int featureCount() {
            return 2 * 32 * 32;
        }

        @Override
        public Shape exampleShape() {
            return new Shape(2, 32, 32);
        }

        @Override
        public void copyFeatures(int row, float[] dest, int offset) {
            copyFeatures(row, 0, dest, offset);
        }

        @Override
        public void copyFeatures(int row, long seed, float[] dest, int offset) {
            float shift = randomized ? Math.floorMod(seed, 10) : 0;
            for (int i = 0; i < featureCount(); i++) {
                dest[offset + i] = row * 10000 + i + shift;
            }
        }

        @Override
        public boolean isRandomized() {
            return randomized;
        }

        @Override
        public int labelCount() {
            return 2;
        }

        @Override
        public float label(int row) {
            return row;
        }

        @Override
        public void copyLabels(int row, float[] dest, int offset) {
            dest[offset] = row;
            dest[offset + 1] = -row;
        }
    }

    private static List<float[][]> batches(BatchSource source, NDManager manager, int count) {
        List<float[][]> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            try (NDManager step = manager.newSubManager()) {
                TrainingBatch batch = source.next(step);
                assertThat(batch.data().head().getShape()).isEqualTo(new Shape(BATCH, 2, 32, 32));
                assertThat(batch.labels().head().getShape()).isEqualTo(new Shape(BATCH, 2));
                out.add(
                        new float[][] {
                            batch.data().head().toFloatArray(), batch.labels().head().toFloatArray()
                        });
            }
        }
        return out;
    }

    /** What the table should give for the sampler's rows, epoch by epoch, with the seeds. */
    private static List<float[][]> expected(boolean randomized, int count) {
        ShapedTable table = new ShapedTable(randomized);
        TrainingSampler sampler = new TrainingSampler(ROWS, true, 3);
        List<float[][]> out = new ArrayList<>();
        int n = table.featureCount();
        for (int b = 0; b < count; b++) {
            float[] x = new float[BATCH * n];
            float[] y = new float[BATCH * 2];
            for (int i = 0; i < BATCH; i++) {
                int row = sampler.nextIndex();
                long seed = Seeds.forExample(AUGMENT_SEED, sampler.epoch(), row);
                table.copyFeatures(row, seed, x, i * n);
                table.copyLabels(row, y, i * 2);
            }
            out.add(new float[][] {x, y});
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void anyNumberOfWorkersGivesTheSameBatchesInOrder(String engine) {
        List<float[][]> want = expected(true, 6);
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            for (int workers : new int[] {1, 2, 3}) {
                try (SampledBatchSource source =
                        new SampledBatchSource(
                                new ShapedTable(true),
                                new TrainingSampler(ROWS, true, 3),
                                BATCH,
                                2,
                                workers,
                                AUGMENT_SEED)) {
                    assertThat(source.workers()).isEqualTo(workers);
                    List<float[][]> got = batches(source, manager, 6);
                    for (int b = 0; b < 6; b++) {
                        assertThat(got.get(b)[0])
                                .as("workers %d batch %d", workers, b)
                                .containsExactly(want.get(b)[0]);
                        assertThat(got.get(b)[1]).containsExactly(want.get(b)[1]);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aResumedSourceSeesTheSameSeedsAcrossAnEpochBoundary(String engine) {
        List<float[][]> want = expected(true, 6);
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                SampledBatchSource first =
                        new SampledBatchSource(
                                new ShapedTable(true),
                                new TrainingSampler(ROWS, true, 3),
                                BATCH,
                                2,
                                2,
                                AUGMENT_SEED);
                SampledBatchSource second =
                        new SampledBatchSource(
                                new ShapedTable(true),
                                new TrainingSampler(ROWS, true, 3),
                                BATCH,
                                3,
                                3,
                                AUGMENT_SEED)) {
            batches(first, manager, 2);
            Map<String, Object> saved = first.state();
            second.loadState(saved);
            List<float[][]> got = batches(second, manager, 4);
            for (int b = 0; b < 4; b++) {
                assertThat(got.get(b)[0]).containsExactly(want.get(b + 2)[0]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aFailureOnAWorkerReachesTheTrainingThread(String engine) {
        HostTable failing =
                new ShapedTable(false) {
                    @Override
                    public void copyFeatures(int row, long seed, float[] dest, int offset) {
                        if (row == 7) {
                            throw new IllegalStateException("row 7 is unreadable");
                        }
                        super.copyFeatures(row, seed, dest, offset);
                    }
                };
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                SampledBatchSource source =
                        new SampledBatchSource(
                                failing, new TrainingSampler(ROWS, false, 3), BATCH, 1, 4, 0)) {
            assertThatThrownBy(() -> batches(source, manager, 1))
                    .hasMessage("loading a batch failed: row 7 is unreadable");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void awaitIdleReturnsOnceEveryHandedSlotIsFilled(String engine) {
        java.util.concurrent.atomic.AtomicInteger copied =
                new java.util.concurrent.atomic.AtomicInteger();
        HostTable counting =
                new ShapedTable(false) {
                    @Override
                    public void copyFeatures(int row, long seed, float[] dest, int offset) {
                        super.copyFeatures(row, seed, dest, offset);
                        copied.incrementAndGet();
                    }
                };
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                SampledBatchSource source =
                        new SampledBatchSource(
                                counting, new TrainingSampler(ROWS, true, 3), BATCH, 2, 2, 0)) {
            batches(source, manager, 5);
            source.awaitIdle(java.time.Duration.ofSeconds(30));
            // Idle means every slot handed back is filled: the five batches taken, and the two
            // other slots of the pool (prefetch 2 plus the one lent to the fifth step) filled
            // ahead; nothing is left for the gathering thread to copy.
            assertThat(copied.get()).isEqualTo((5 + 2) * BATCH);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void smallBatchesAreGatheredByOneThread(String engine) {
        try (SampledBatchSource source =
                new SampledBatchSource(
                        new SampledBatchSourceTest.CountingTable(),
                        new TrainingSampler(11, true, 3),
                        4,
                        2,
                        4,
                        0)) {
            assertThat(source.workers()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aGenericDatasetsPipelineIsApplied(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            float[] features = new float[ROWS * 3];
            for (int i = 0; i < features.length; i++) {
                features[i] = i;
            }
            ArrayDataset dataset =
                    new ArrayDataset.Builder()
                            .setData(manager.create(features, new Shape(ROWS, 3)))
                            .optLabels(manager.create(new float[ROWS], new Shape(ROWS)))
                            .optPipeline(new Pipeline(array -> array.mul(2)))
                            .setSampling(1, false)
                            .build();
            TrainingSampler order = new TrainingSampler(ROWS, true, 5);
            try (BatchSource source =
                    SampledBatchSource.forDataset(
                            dataset, new TrainingSampler(ROWS, true, 5), 4, 2, 0)) {
                try (NDManager step = manager.newSubManager()) {
                    NDList data = source.next(step).data();
                    float[] got = data.head().toFloatArray();
                    for (int i = 0; i < 4; i++) {
                        int row = order.nextIndex();
                        for (int c = 0; c < 3; c++) {
                            assertThat(got[i * 3 + c]).isEqualTo(2f * (row * 3 + c));
                        }
                    }
                }
            }
        }
    }
}
