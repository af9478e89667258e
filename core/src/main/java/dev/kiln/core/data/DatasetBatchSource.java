package dev.kiln.core.data;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import dev.kiln.data.BatchSource;
import dev.kiln.data.DatasetBatches;
import dev.kiln.data.TrainingBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Batches of any DJL {@link RandomAccessDataset}, drawn by a {@link TrainingSampler}.
 *
 * <p>Records are read on the calling thread with {@link DatasetBatches#read}, which applies the
 * dataset's pipeline, target pipeline and batchifiers as DJL's own iteration does; there is no
 * prefetching. The dataset's own sampler is not used: the records are those the {@link
 * TrainingSampler} draws. For in-memory float tables, {@link SampledBatchSource} is faster.
 */
public final class DatasetBatchSource implements BatchSource {

    private final RandomAccessDataset dataset;
    private final TrainingSampler sampler;
    private final int batchSize;
    private boolean closed;

    /**
     * Creates a source, preparing the dataset.
     *
     * @param dataset the dataset
     * @param sampler the index stream, over exactly the dataset's records; this source owns it
     * @param batchSize records per batch
     */
    public DatasetBatchSource(RandomAccessDataset dataset, TrainingSampler sampler, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        try {
            dataset.prepare();
        } catch (IOException e) {
            throw new UncheckedIOException("preparing the dataset failed", e);
        } catch (TranslateException e) {
            throw new IllegalStateException("preparing the dataset failed", e);
        }
        if (sampler.size() != dataset.size()) {
            throw new IllegalArgumentException(
                    "sampler covers "
                            + sampler.size()
                            + " records but the dataset has "
                            + dataset.size());
        }
        this.dataset = dataset;
        this.sampler = sampler;
        this.batchSize = batchSize;
    }

    @Override
    public TrainingBatch next(NDManager manager) {
        if (closed) {
            throw new IllegalStateException("batch source is closed");
        }
        SamplerPosition before = sampler.position();
        int[] drawn = sampler.nextIndices(batchSize);
        long[] indices = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            indices[i] = drawn[i];
        }
        try {
            return DatasetBatches.read(dataset, manager, indices);
        } catch (RuntimeException e) {
            sampler.seek(before);
            throw e;
        }
    }

    @Override
    public Map<String, Object> state() {
        return sampler.position().toState(Map.of("datasetSize", sampler.size()));
    }

    @Override
    public void loadState(Map<String, Object> state) {
        SamplerPosition position = SamplerPosition.fromState(state);
        SampledBatchSource.checkDatasetSize(state, sampler.size());
        sampler.seek(position);
    }

    @Override
    public void close() {
        closed = true;
    }
}
