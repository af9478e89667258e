package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.kiln.data.BatchSource;
import dev.kiln.data.HostTable;
import dev.kiln.data.TrainingBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampledBatchSourceTest {

    private static final int ROWS = 11;
    private static final int FEATURES = 3;
    private static final int BATCH = 4;

    /** Row r has features r*10, r*10+1, r*10+2 and label r % 3. */
    static class CountingTable implements HostTable {
        @Override
        public int rowCount() {
            return ROWS;
        }

        @Override
        public int featureCount() {
            return FEATURES;
        }

        @Override
        public void copyFeatures(int row, float[] dest, int offset) {
            for (int c = 0; c < FEATURES; c++) {
                dest[offset + c] = row * 10 + c;
            }
        }

        @Override
        public float label(int row) {
            return row % 3;
        }
    }

    /** What a batch of the counting table should hold: its rows, features and labels. */
    record Expected(float[] features, float[] labels) {
        static Expected of(int[] rows) {
            float[] features = new float[rows.length * FEATURES];
            float[] labels = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                new CountingTable().copyFeatures(rows[i], features, i * FEATURES);
                labels[i] = rows[i] % 3;
            }
            return new Expected(features, labels);
        }
    }

    private static Expected read(BatchSource source, NDManager parent) {
        try (NDManager step = parent.newSubManager()) {
            TrainingBatch batch = source.next(step);
            NDArray x = batch.data().singletonOrThrow();
            NDArray y = batch.labels().singletonOrThrow();
            assertThat(x.getShape()).isEqualTo(new Shape(BATCH, FEATURES));
            assertThat(y.getShape()).isEqualTo(new Shape(BATCH));
            assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(y.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(batch.size()).isEqualTo(BATCH);
            return new Expected(x.toFloatArray(), y.toFloatArray());
        }
    }

    private static List<Expected> read(BatchSource source, NDManager manager, int batches) {
        List<Expected> out = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            out.add(read(source, manager));
        }
        return out;
    }

    private static void assertSame(List<Expected> actual, List<Expected> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).features())
                    .as("features of batch " + i)
                    .containsExactly(expected.get(i).features());
            assertThat(actual.get(i).labels())
                    .as("labels of batch " + i)
                    .containsExactly(expected.get(i).labels());
        }
    }

    private static List<Expected> expectedBatches(long seed, int batches) {
        TrainingSampler reference = new TrainingSampler(ROWS, true, seed);
        List<Expected> out = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            out.add(Expected.of(reference.nextIndices(BATCH)));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void batchesHoldTheSampledRows(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                SampledBatchSource source =
                        new SampledBatchSource(
                                new CountingTable(),
                                new TrainingSampler(ROWS, true, 7),
                                BATCH,
                                2)) {
            // 10 batches of 4 cross three epochs of 11 rows.
            assertSame(read(source, manager, 10), expectedBatches(7, 10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void restoredStateGivesTheBatchesAnUninterruptedSourceWould(String engine) {
        Gson gson = new Gson();
        List<Expected> uninterrupted = expectedBatches(3, 9);
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            String saved;
            try (SampledBatchSource first =
                    new SampledBatchSource(
                            new CountingTable(), new TrainingSampler(ROWS, true, 3), BATCH)) {
                assertSame(read(first, manager, 4), uninterrupted.subList(0, 4));
                // The prefetcher is ahead, but the state is that of batch 4, the trainer's next.
                saved = gson.toJson(first.state());
                assertThat(first.state())
                        .containsEntry("epoch", 1L)
                        .containsEntry("offset", 16 - ROWS)
                        .containsEntry("datasetSize", ROWS);
                assertSame(read(first, manager, 2), uninterrupted.subList(4, 6));
                // Rewinding the same source drops its prefetched batches.
                first.loadState(
                        gson.fromJson(saved, new TypeToken<Map<String, Object>>() {}.getType()));
                assertSame(read(first, manager, 5), uninterrupted.subList(4, 9));
            }
            try (SampledBatchSource resumed =
                    new SampledBatchSource(
                            new CountingTable(), new TrainingSampler(ROWS, true, 3), BATCH)) {
                read(resumed, manager, 1);
                resumed.loadState(
                        gson.fromJson(saved, new TypeToken<Map<String, Object>>() {}.getType()));
                assertSame(read(resumed, manager, 5), uninterrupted.subList(4, 9));
            }
        }
    }

    @Test
    void stateOfAnotherDatasetSizeIsRejected() {
        try (SampledBatchSource source =
                new SampledBatchSource(
                        new CountingTable(), new TrainingSampler(ROWS, true, 3), BATCH)) {
            assertThatThrownBy(
                            () ->
                                    source.loadState(
                                            Map.of("epoch", 0, "offset", 0, "datasetSize", 12)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "saved batch source state is for a dataset of 12 rows, but this one has 11");
        }
    }

    @Test
    void theDefaultPrefetchIsBoundedByMemory() {
        // 64 rows of 64 floats: small, so the most batches
        assertThat(SampledBatchSource.defaultPrefetch(64, 64))
                .isEqualTo(SampledBatchSource.MAX_DEFAULT_PREFETCH);
        // 32 images of 3x224x224 floats (19 MB a batch): the fewest
        assertThat(SampledBatchSource.defaultPrefetch(32, 3 * 224 * 224))
                .isEqualTo(SampledBatchSource.MIN_DEFAULT_PREFETCH);
        // in between, as many as fit in the budget
        long batchBytes = 256L * (1024 + 1) * Float.BYTES;
        assertThat(SampledBatchSource.defaultPrefetch(256, 1024))
                .isEqualTo((int) (SampledBatchSource.DEFAULT_PREFETCH_BYTES / batchBytes));
    }

    @Test
    void closeStopsTheThread() {
        SampledBatchSource source =
                new SampledBatchSource(
                        new CountingTable(), new TrainingSampler(ROWS, true, 3), BATCH);
        assertThat(source.isPrefetching()).isTrue();
        source.close();
        assertThat(source.isPrefetching()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("kiln-batch-prefetch") && t.isAlive());
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            assertThatThrownBy(() -> source.next(manager))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("batch source is closed");
        }
        source.close(); // idempotent
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aFailingTableSurfacesOnNext(String engine) {
        HostTable failsFromRow8 =
                new CountingTable() {
                    @Override
                    public float label(int row) {
                        if (row >= 8) {
                            throw new IllegalStateException("row " + row + " is corrupt");
                        }
                        return super.label(row);
                    }
                };
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                SampledBatchSource source =
                        new SampledBatchSource(
                                failsFromRow8, new TrainingSampler(ROWS, false, 0), BATCH)) {
            // Rows 0..7 make two good batches; the third needs row 8.
            assertSame(
                    read(source, manager, 2),
                    List.of(
                            Expected.of(new int[] {0, 1, 2, 3}),
                            Expected.of(new int[] {4, 5, 6, 7})));
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> source.next(manager))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("row 8 is corrupt")
                        .hasRootCauseMessage("row 8 is corrupt");
            }
            // Rewinding clears the failure.
            source.loadState(Map.of("epoch", 0, "offset", 0));
            assertSame(read(source, manager, 1), List.of(Expected.of(new int[] {0, 1, 2, 3})));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void genericDatasetsAreBatchedOnTheCallingThread(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            float[] features = new float[ROWS * FEATURES];
            float[] labels = new float[ROWS];
            CountingTable table = new CountingTable();
            for (int r = 0; r < ROWS; r++) {
                table.copyFeatures(r, features, r * FEATURES);
                labels[r] = table.label(r);
            }
            ArrayDataset dataset =
                    new ArrayDataset.Builder()
                            .setData(manager.create(features, new Shape(ROWS, FEATURES)))
                            .optLabels(manager.create(labels, new Shape(ROWS)))
                            .setSampling(1, false)
                            .build();
            List<Expected> uninterrupted = expectedBatches(5, 6);
            BatchSource source =
                    SampledBatchSource.forDataset(
                            dataset, new TrainingSampler(ROWS, true, 5), BATCH, 1, 0);
            assertThat(source).isInstanceOf(DatasetBatchSource.class);
            assertSame(read(source, manager, 3), uninterrupted.subList(0, 3));
            Map<String, Object> saved = source.state();
            assertSame(read(source, manager, 3), uninterrupted.subList(3, 6));
            source.loadState(saved);
            assertSame(read(source, manager, 3), uninterrupted.subList(3, 6));
            source.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void batchArraysAreLentToEachStepAndReused(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                SampledBatchSource source =
                        new SampledBatchSource(
                                new CountingTable(), new TrainingSampler(ROWS, true, 1), BATCH)) {
            List<NDArray> seen = new ArrayList<>();
            List<Expected> rows = new ArrayList<>();
            int steps = 3 * (source.prefetch() + 1);
            for (int i = 0; i < steps; i++) {
                NDManager step = manager.newSubManager();
                TrainingBatch batch = source.next(step);
                NDArray x = batch.data().head();
                rows.add(new Expected(x.toFloatArray(), batch.labels().head().toFloatArray()));
                assertThat(x.getManager()).isSameAs(step);
                assertThat(batch.labels().head().getManager()).isSameAs(step);
                // what the step computes from the batch is freed with the step
                NDArray derived = x.add(1);
                step.close();
                assertThat(derived.isReleased()).isTrue();
                assertThat(x.isReleased()).isFalse();
                assertThat(x.getManager()).isNotSameAs(step);
                seen.add(x);
            }
            // a fixed pool of slots takes turns: prefetched batches and the one lent out
            Set<NDArray> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            distinct.addAll(seen);
            assertThat(distinct).hasSizeLessThanOrEqualTo(source.prefetch() + 1);
            assertThat(distinct.size()).isLessThan(seen.size());
            // refilled slots hold the right rows too (on MXNet, copied in by the gathering thread)
            assertSame(rows, expectedBatches(1, steps));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aCallerKeepingStepsOpenGetsNewArraysWithTheRightRows(String engine) {
        int held =
                2 * SampledBatchSource.defaultPrefetch(BATCH, new CountingTable().featureCount());
        List<Expected> expected = expectedBatches(1, held + 20);
        try (NDManager manager = Engine.getEngine(engine).newBaseManager();
                SampledBatchSource source =
                        new SampledBatchSource(
                                new CountingTable(), new TrainingSampler(ROWS, true, 1), BATCH)) {
            // more steps kept open than there are slots: each still holds its own rows
            List<NDManager> open = new ArrayList<>();
            List<TrainingBatch> batches = new ArrayList<>();
            for (int i = 0; i < held; i++) {
                NDManager step = manager.newSubManager();
                open.add(step);
                batches.add(source.next(step));
            }
            List<Expected> actual = new ArrayList<>();
            for (TrainingBatch batch : batches) {
                actual.add(
                        new Expected(
                                batch.data().head().toFloatArray(),
                                batch.labels().head().toFloatArray()));
            }
            for (int i = 0; i < held; i++) {
                for (int j = i + 1; j < held; j++) {
                    assertThat(batches.get(j).data().head())
                            .isNotSameAs(batches.get(i).data().head());
                }
            }
            // once they are closed, their slots serve the following steps, rows still in order
            open.forEach(NDManager::close);
            actual.addAll(read(source, manager, 20));
            assertSame(actual, expected);
        }
    }
}
