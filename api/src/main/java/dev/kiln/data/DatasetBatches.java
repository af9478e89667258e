package dev.kiln.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a batch of chosen records of any DJL {@link RandomAccessDataset} the way DJL's own
 * iteration does: through the dataset's {@code Pipeline} (its transforms of the data), its target
 * pipeline and its batchifiers, so a dataset built with {@code optPipeline(...)} or {@code
 * addTransform(...)} gives Kiln the records it gives {@code EasyTrain}. The records are those
 * Kiln's sampler chose, not the dataset's own sampler's.
 */
public final class DatasetBatches {

    private DatasetBatches() {}

    /**
     * Reads the records at the given indices as one batch.
     *
     * @param dataset the dataset
     * @param manager the manager that owns the returned arrays
     * @param indices the records, in batch order
     * @return the batch's data and labels, on {@code manager}
     * @throws UncheckedIOException when the dataset cannot read a record
     * @throws IllegalStateException when the dataset cannot be prepared or transformed
     */
    public static TrainingBatch read(
            RandomAccessDataset dataset, NDManager manager, long[] indices) {
        List<Long> batch = new java.util.ArrayList<>(indices.length);
        for (long index : indices) {
            batch.add(index);
        }
        try (NDManager scratch = manager.newSubManager()) {
            Iterator<Batch> batches = dataset.getData(scratch, new OneBatch(batch)).iterator();
            try (Batch read = batches.next()) {
                NDList data = read.getData();
                NDList labels = read.getLabels();
                data.attach(manager);
                labels.attach(manager);
                return new TrainingBatch(data, labels);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading records of the dataset failed", e);
        } catch (TranslateException e) {
            throw new IllegalStateException("preparing the dataset failed: " + e.getMessage(), e);
        }
    }

    /** A sampler of exactly one batch of given indices. */
    private record OneBatch(List<Long> indices) implements Sampler {

        @Override
        public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
            return List.of(indices).iterator();
        }

        @Override
        public int getBatchSize() {
            return indices.size();
        }
    }
}
