package dev.kiln.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.RandomAccessDataset;
import dev.kiln.core.data.CsvDataset;
import dev.kiln.core.model.Mlp;
import dev.kiln.runtime.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Inference#inferenceOnDataset} on both engines. */
class InferenceTest {

    /** Records what each batch brought. */
    static final class RecordingEvaluator implements Evaluator {
        final List<Long> batchSizes = new ArrayList<>();
        final List<Float> labels = new ArrayList<>();
        final List<Float> outputs = new ArrayList<>();
        final List<Boolean> outputGradients = new ArrayList<>();
        int resets;

        @Override
        public void reset() {
            resets++;
            batchSizes.clear();
            labels.clear();
            outputs.clear();
        }

        @Override
        public void process(NDList inputs, NDList out, NDList batchLabels) {
            batchSizes.add(inputs.head().getShape().get(0));
            for (float l : batchLabels.head().toFloatArray()) {
                labels.add(l);
            }
            for (float o : out.head().toFloatArray()) {
                outputs.add(o);
            }
            outputGradients.add(recordsGradient(out.head()));
        }

        @Override
        public Map<String, Double> evaluate() {
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("examples", (double) labels.size());
            r.put("batches", (double) batchSizes.size());
            return r;
        }
    }

    /**
     * Whether an array ends a graph recorded for gradients: a backward pass from it works only
     * then (PyTorch and MXNet both refuse one from an array no recorded operation made).
     */
    static boolean recordsGradient(NDArray array) {
        try (GradientCollector collector = array.getManager().getEngine().newGradientCollector()) {
            collector.backward(array);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private CsvDataset digits() throws Exception {
        Path file = Path.of(getClass().getResource("/data/digits-40.csv").toURI());
        return CsvDataset.builder().setPath(file).setSampling(8, false).build();
    }

    private static Block model(NDManager manager, int features, float dropout) {
        Block model = Mlp.builder().hiddenSizes(16).outputSize(10).dropout(dropout).build();
        model.initialize(manager, DataType.FLOAT32, new Shape(1, features));
        return model;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void readsEveryExampleInOrderInBatchesAndReturnsTheEvaluatorsResults(String engineName)
            throws Exception {
        Engine engine = Engine.getEngine(engineName);
        Seeds.of(7).engine(engine);
        CsvDataset data = digits();
        try (NDManager manager = engine.newBaseManager()) {
            Block model = model(manager, data.featureCount(), 0f);
            RecordingEvaluator evaluator = new RecordingEvaluator();
            Map<String, Double> results =
                    Inference.inferenceOnDataset(model, manager, data, 16, evaluator);
            assertThat(results).containsEntry("examples", 40.0).containsEntry("batches", 3.0);
            assertThat(evaluator.resets).isEqualTo(1);
            assertThat(evaluator.batchSizes).containsExactly(16L, 16L, 8L);
            for (int i = 0; i < 40; i++) {
                assertThat(evaluator.labels.get(i)).isEqualTo(data.label(i));
            }
            // every batch lived in a sub-manager that is closed
            assertThat(manager.getManagedArrays()).allMatch(a -> !a.isReleased());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aDatasetOfRecordsGivesTheSameOutputsAsAHostTable(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        CsvDataset data = digits();
        try (NDManager manager = engine.newBaseManager()) {
            Seeds.of(7).engine(engine);
            Block model = model(manager, data.featureCount(), 0f);
            float[] x = new float[40 * data.featureCount()];
            float[] y = new float[40];
            for (int i = 0; i < 40; i++) {
                data.copyFeatures(i, x, i * data.featureCount());
                y[i] = data.label(i);
            }
            RandomAccessDataset records =
                    new ArrayDataset.Builder()
                            .setData(manager.create(x, new Shape(40, data.featureCount())))
                            .optLabels(manager.create(y, new Shape(40)))
                            .setSampling(8, false)
                            .build();
            RecordingEvaluator fromTable = new RecordingEvaluator();
            RecordingEvaluator fromRecords = new RecordingEvaluator();
            Inference.inferenceOnDataset(model, manager, data, 12, fromTable);
            Inference.inferenceOnDataset(model, manager, records, 12, fromRecords);
            assertThat(fromRecords.batchSizes).containsExactly(12L, 12L, 12L, 4L);
            assertThat(fromRecords.labels).isEqualTo(fromTable.labels);
            assertThat(fromRecords.outputs).hasSize(400).isEqualTo(fromTable.outputs);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void runsInInferenceModeWithoutRecordingGradientsOnAnyThread(String engineName)
            throws Exception {
        Engine engine = Engine.getEngine(engineName);
        CsvDataset data = digits();
        try (NDManager manager = engine.newBaseManager()) {
            Seeds.of(7).engine(engine);
            // with dropout, a forward pass in training mode would differ from run to run
            Block model = model(manager, data.featureCount(), 0.5f);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            RecordingEvaluator first = new RecordingEvaluator();
            RecordingEvaluator second = new RecordingEvaluator();
            boolean[] plainForwardRecords = new boolean[1];
            // a thread of its own: PyTorch's grad mode is per thread and on by default
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    Inference.inferenceOnDataset(model, manager, data, 16, first);
                                    Inference.inferenceOnDataset(model, manager, data, 16, second);
                                    try (NDManager sub = manager.newSubManager()) {
                                        NDList out =
                                                model.forward(
                                                        new ParameterStore(sub, false),
                                                        new NDList(
                                                                sub.ones(
                                                                        new Shape(
                                                                                2,
                                                                                data
                                                                                        .featureCount()))),
                                                        false);
                                        plainForwardRecords[0] = recordsGradient(out.head());
                                    }
                                } catch (Throwable t) {
                                    failure.set(t);
                                }
                            });
            thread.start();
            thread.join();
            assertThat(failure.get()).isNull();
            assertThat(first.outputGradients).hasSize(3).containsOnly(false);
            assertThat(second.outputs).isEqualTo(first.outputs);
            // the premise: outside the scope PyTorch records a graph on this thread (its grad mode
            // is
            // per thread), MXNet records only inside a gradient collector
            assertThat(plainForwardRecords[0]).isEqualTo(engineName.equals("PyTorch"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void anEmptyDatasetOrABadBatchSizeIsRefused(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Block model = model(manager, 4, 0f);
            RandomAccessDataset empty =
                    new ArrayDataset.Builder()
                            .setData(manager.zeros(new Shape(0, 4)))
                            .optLabels(manager.zeros(new Shape(0)))
                            .setSampling(8, false)
                            .build();
            assertThatThrownBy(
                            () ->
                                    Inference.inferenceOnDataset(
                                            model, manager, empty, 8, new RecordingEvaluator()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty");
            assertThatThrownBy(
                            () ->
                                    Inference.inferenceOnDataset(
                                            model, manager, digits(), 0, new RecordingEvaluator()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("batch size");
        }
    }
}
