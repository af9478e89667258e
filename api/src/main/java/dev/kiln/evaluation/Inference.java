package dev.kiln.evaluation;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.RandomAccessDataset;
import dev.kiln.data.DatasetBatches;
import dev.kiln.data.HostTable;
import dev.kiln.data.TrainingBatch;
import dev.kiln.runtime.NoGradient;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a model over a dataset and an evaluator over its outputs, after detectron2's {@code
 * inference_on_dataset}; usable alone, in a loop of one's own:
 *
 * <pre>{@code
 * Map<String, Double> results =
 *         Inference.inferenceOnDataset(model, manager, testData, 64, evaluator);
 * }</pre>
 *
 * <p>The examples are read in order, in batches of the given size (the last one may be smaller);
 * the forward pass runs in inference mode ({@code training = false}: no dropout) with no
 * gradients recorded, each batch in a sub-manager freed after it. The first {@link
 * #WARMUP_BATCHES} batches (fewer when there are few) are left out of the timing; progress with
 * an ETA goes to the log at most every 5 seconds, and a summary line of the time per batch at the
 * end.
 */
public final class Inference {

    private static final Logger LOG = LoggerFactory.getLogger(Inference.class);

    /** How many first batches are left out of the timing (all but one when there are fewer). */
    public static final int WARMUP_BATCHES = 5;

    private Inference() {}

    /**
     * Runs the model over every example of a dataset and returns the evaluator's results.
     *
     * @param model the initialized model
     * @param manager a manager on the model's device; each batch lives in a sub-manager of it
     * @param data the examples: a {@link HostTable} (such as a CSV dataset) is batched straight
     *     from its rows, any other dataset with {@link DatasetBatches#read} (its pipeline and
     *     batchifiers applied)
     * @param batchSize examples per batch, at least 1
     * @param evaluator what measures the outputs; it is reset first
     * @return {@code evaluator.evaluate()}
     * @throws IllegalArgumentException when the dataset is empty or the batch size below 1
     */
    public static Map<String, Double> inferenceOnDataset(
            Block model,
            NDManager manager,
            RandomAccessDataset data,
            int batchSize,
            Evaluator evaluator) {
        return inferenceOnDataset(model, manager, data, batchSize, evaluator, System::nanoTime);
    }

    static Map<String, Double> inferenceOnDataset(
            Block model,
            NDManager manager,
            RandomAccessDataset data,
            int batchSize,
            Evaluator evaluator,
            LongSupplier clock) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        long size = data.size();
        if (size == 0) {
            throw new IllegalArgumentException("the dataset to evaluate on is empty");
        }
        int batches = Math.toIntExact((size + batchSize - 1) / batchSize);
        int warmup = Math.min(WARMUP_BATCHES, batches - 1);
        LOG.info(
                "Start inference on {} examples: {} batches of up to {}", size, batches, batchSize);
        evaluator.reset();
        ParameterStore parameters = new ParameterStore(manager, false);
        InferenceProgress progress = new InferenceProgress(LOG, clock, batches, warmup);
        try (NoGradient noGradient = NoGradient.open(manager.getEngine())) {
            for (int b = 0; b < batches; b++) {
                long from = (long) b * batchSize;
                int count = (int) Math.min(batchSize, size - from);
                try (NDManager batchManager = manager.newSubManager()) {
                    long dataStart = progress.now();
                    NDList[] batch = batch(batchManager, data, from, count);
                    long computeStart = progress.now();
                    NDList outputs = model.forward(parameters, batch[0], false);
                    long evalStart = progress.now();
                    evaluator.process(batch[0], outputs, batch[1]);
                    progress.batchDone(dataStart, computeStart, evalStart, progress.now());
                }
            }
        }
        progress.finish();
        return evaluator.evaluate();
    }

    /** @return the inputs and the labels of {@code count} examples from {@code from} */
    private static NDList[] batch(
            NDManager manager, RandomAccessDataset data, long from, int count) {
        if (data instanceof HostTable table) {
            int features = table.featureCount();
            int labelCount = table.labelCount();
            float[] x = new float[count * features];
            float[] y = new float[count * labelCount];
            for (int i = 0; i < count; i++) {
                int row = Math.toIntExact(from + i);
                table.copyFeatures(row, x, i * features);
                table.copyLabels(row, y, i * labelCount);
            }
            Shape labelShape = labelCount == 1 ? new Shape(count) : new Shape(count, labelCount);
            return new NDList[] {
                new NDList(manager.create(x, new Shape(count).addAll(table.exampleShape()))),
                new NDList(manager.create(y, labelShape))
            };
        }
        long[] indices = new long[count];
        for (int i = 0; i < count; i++) {
            indices[i] = from + i;
        }
        TrainingBatch batch = DatasetBatches.read(data, manager, indices);
        return new NDList[] {batch.data(), batch.labels()};
    }
}
