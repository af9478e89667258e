package dev.kiln.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.loss.Loss;
import dev.kiln.core.data.CsvDataset;
import dev.kiln.core.data.SampledBatchSource;
import dev.kiln.core.data.TrainingSampler;
import dev.kiln.core.model.Mlp;
import dev.kiln.core.optim.Sgd;
import dev.kiln.core.runtime.ReplicaThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * N replicas of one model, each over a slice of the batch, take the step that accumulating over N
 * micro-batches takes on one device.
 */
class ReplicasTest {

    private static final int BATCH = 12;
    private static final int ITERATIONS = 6;

    private static CsvDataset digits() throws Exception {
        Path file = Path.of(ReplicasTest.class.getResource("/data/digits-40.csv").toURI());
        return CsvDataset.builder()
                .setPath(file)
                .optScaling("standardize")
                .setSampling(BATCH, true)
                .build();
    }

    private static boolean batchNorm;

    private static Block model(NDManager manager, int features, int hidden) {
        Block model =
                batchNorm
                        ? new SequentialBlock()
                                .add(Linear.builder().setUnits(hidden).build())
                                .add(BatchNorm.builder().build())
                                .add(Activation::relu)
                                .add(Linear.builder().setUnits(10).build())
                        : Mlp.builder().hiddenSizes(hidden, 8).outputSize(10).build();
        model.initialize(manager, DataType.FLOAT32, new Shape(BATCH, features));
        return model;
    }

    /** A trainer over the digits whose model starts from {@code initial} (if not null). */
    private static SimpleTrainer trainer(
            NDManager manager, LossFunction loss, List<float[]> initial) throws Exception {
        CsvDataset data = digits();
        Block model = model(manager, data.featureCount(), 16);
        if (initial != null) {
            ParameterList parameters = model.getParameters();
            for (int i = 0; i < parameters.size(); i++) {
                parameters.valueAt(i).getArray().set(initial.get(i));
            }
        }
        SampledBatchSource source =
                new SampledBatchSource(data, new TrainingSampler(data.rowCount(), true, 7), BATCH);
        Sgd sgd = Sgd.builder().learningRate(0.1f).momentum(0.9f).build();
        return new SimpleTrainer(model, manager, loss, sgd, source);
    }

    /** Replicas of the trainer's model, freshly (so differently) initialized, each its own manager. */
    private static List<Replica> replicas(Engine engine, int count) throws Exception {
        int features = digits().featureCount();
        List<Replica> out = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            NDManager manager = engine.newBaseManager();
            out.add(new Replica(model(manager, features, 16), manager));
        }
        return out;
    }

    /** What DefaultTrainer chooses for the engine, or in turn. */
    private static ReplicaExecution execution(Engine engine, int workers, boolean parallel) {
        ReplicaExecution execution =
                parallel ? ReplicaThreads.forEngine(engine, workers) : ReplicaExecution.inTurn();
        assertThat(execution.parallel()).isEqualTo(parallel);
        return execution;
    }

    private static LossFunction crossEntropy() {
        return LossFunction.of("loss_cls", Loss.softmaxCrossEntropyLoss());
    }

    private static List<float[]> parameters(Block model) {
        List<float[]> out = new ArrayList<>();
        ParameterList parameters = model.getParameters();
        for (int i = 0; i < parameters.size(); i++) {
            out.add(parameters.valueAt(i).getArray().toFloatArray());
        }
        return out;
    }

    /** Compares raw float bits; a failure names the parameter, how many elements and the ulps. */
    private static void assertBitwiseEqual(List<float[]> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            float[] a = actual.get(i);
            float[] e = expected.get(i);
            assertThat(a.length).as("size of parameter %d", i).isEqualTo(e.length);
            int differing = 0;
            int first = -1;
            long ulps = 0;
            for (int j = 0; j < e.length; j++) {
                int x = Float.floatToRawIntBits(a[j]);
                int y = Float.floatToRawIntBits(e[j]);
                if (x != y) {
                    differing++;
                    first = first < 0 ? j : first;
                    ulps = Math.max(ulps, Math.abs((long) x - y));
                }
            }
            assertThat(differing)
                    .as(
                            "elements of parameter %d whose bits differ (first at %d, up to %d"
                                    + " ulps)",
                            i, first, ulps)
                    .isZero();
        }
    }

    /** The model's parameters after every step, and a check that the replicas hold them too. */
    private static List<List<float[]>> recordSteps(SimpleTrainer trainer) {
        List<List<float[]>> steps = new ArrayList<>();
        trainer.registerHooks(
                LambdaHook.builder()
                        .afterStep(
                                t -> {
                                    List<float[]> master = parameters(trainer.model());
                                    steps.add(master);
                                    for (Replica replica : trainer.replicas()) {
                                        assertBitwiseEqual(parameters(replica.model()), master);
                                    }
                                })
                        .build());
        return steps;
    }

    private static void close(SimpleTrainer trainer) {
        trainer.data().close();
        for (Replica replica : trainer.replicas()) {
            replica.manager().close();
        }
    }

    /** Runs accumulation over {@code workers} micro-batches, then {@code workers} devices. */
    private static void compare(String engineName, int workers, boolean parallel) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        engine.setRandomSeed(5);
        try (NDManager manager = engine.newBaseManager()) {
            SimpleTrainer accumulating = trainer(manager, crossEntropy(), null);
            List<float[]> initial = parameters(accumulating.model());
            accumulating.setAccumulateSteps(workers);
            List<List<float[]>> expected = recordSteps(accumulating);
            accumulating.train(0, ITERATIONS);
            close(accumulating);

            SimpleTrainer spread = trainer(manager, crossEntropy(), initial);
            spread.setReplicas(replicas(engine, workers - 1), execution(engine, workers, parallel));
            assertThat(spread.workers()).isEqualTo(workers);
            // the replicas start elsewhere: the first step copies the model's weights in
            assertThat(parameters(spread.replicas().get(0).model()).get(0))
                    .isNotEqualTo(initial.get(0));
            List<List<float[]>> actual = recordSteps(spread);
            spread.train(0, ITERATIONS);
            close(spread);

            assertThat(actual).hasSize(ITERATIONS);
            for (int step = 0; step < ITERATIONS; step++) {
                try {
                    assertBitwiseEqual(actual.get(step), expected.get(step));
                } catch (AssertionError e) {
                    throw new AssertionError("after step " + step + ": " + e.getMessage(), e);
                }
            }
            // the parameters moved: the comparison is not of untouched ones
            assertThat(actual.get(ITERATIONS - 1).get(0)).isNotEqualTo(initial.get(0));
            assertThat(spread.storage().history("total_loss").values())
                    .containsExactly(accumulating.storage().history("total_loss").values());
        }
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, true", "PyTorch, false", "MXNet, false"})
    void twoDevicesAreBitwiseTwoAccumulatedMicroBatches(String engine, boolean parallel)
            throws Exception {
        compare(engine, 2, parallel);
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, true", "PyTorch, false", "MXNet, false"})
    void threeDevicesAreBitwiseThreeAccumulatedMicroBatches(String engine, boolean parallel)
            throws Exception {
        compare(engine, 3, parallel);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void withBatchNormalizationTheWeightsAgreeBitwiseAndTheRunningStatisticsAreReplica0s(
            String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        engine.setRandomSeed(5);
        batchNorm = true;
        try (NDManager manager = engine.newBaseManager()) {
            SimpleTrainer accumulating = trainer(manager, crossEntropy(), null);
            List<float[]> initial = parameters(accumulating.model());
            accumulating.setAccumulateSteps(2);
            accumulating.train(0, ITERATIONS);
            close(accumulating);

            SimpleTrainer spread = trainer(manager, crossEntropy(), initial);
            spread.setReplicas(
                    replicas(engine, 1), execution(engine, 2, engineName.equals("PyTorch")));
            spread.train(0, ITERATIONS);

            ParameterList expected = accumulating.model().getParameters();
            ParameterList actual = spread.model().getParameters();
            ParameterList replica = spread.replicas().get(0).parameters();
            int statistics = 0;
            for (int i = 0; i < expected.size(); i++) {
                float[] e = expected.valueAt(i).getArray().toFloatArray();
                float[] a = actual.valueAt(i).getArray().toFloatArray();
                float[] r = replica.valueAt(i).getArray().toFloatArray();
                if (expected.valueAt(i).requiresGradient()) {
                    assertBitwiseEqual(List.of(a), List.of(e));
                    assertBitwiseEqual(List.of(r), List.of(a));
                } else {
                    // running mean and variance: updated from slice 0 only, the replica's from
                    // slice 1, accumulation's from both micro-batches
                    statistics++;
                    assertThat(a).as(expected.keyAt(i)).isNotEqualTo(e).isNotEqualTo(r);
                }
            }
            assertThat(statistics).isEqualTo(2);
            close(spread);
        } finally {
            batchNorm = false;
        }
    }

    /**
     * Stopping after 3 iterations and continuing in a new trainer (fresh model and fresh replicas,
     * both initialized elsewhere; the model, optimizer and trainer state restored) gives bitwise
     * the parameters of 6 uninterrupted iterations: the replicas take the restored weights.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aResumedRunOnTwoDevicesIsBitwiseTheUninterruptedOne(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        engine.setRandomSeed(5);
        ReplicaExecution execution = ReplicaThreads.forEngine(engine, 2);
        try (NDManager manager = engine.newBaseManager();
                NDManager saved = engine.newBaseManager()) {
            SimpleTrainer whole = trainer(manager, crossEntropy(), null);
            List<float[]> initial = parameters(whole.model());
            whole.setReplicas(replicas(engine, 1), execution);
            whole.train(0, ITERATIONS);
            List<float[]> expected = parameters(whole.model());
            close(whole);

            SimpleTrainer first = trainer(manager, crossEntropy(), initial);
            first.setReplicas(replicas(engine, 1), execution);
            first.train(0, ITERATIONS / 2);
            List<float[]> halfway = parameters(first.model());
            java.util.Map<String, ai.djl.ndarray.NDArray> optimizerState =
                    first.optimizer().stateDict(saved);
            TrainerState state = first.state();
            close(first);

            engine.setRandomSeed(11);
            SimpleTrainer second = trainer(manager, crossEntropy(), halfway);
            second.optimizer().loadStateDict(optimizerState);
            second.setReplicas(replicas(engine, 1), execution);
            second.loadState(state);
            List<List<float[]>> steps = recordSteps(second);
            second.train(state.iteration(), ITERATIONS);
            close(second);

            assertThat(steps).hasSize(ITERATIONS / 2);
            assertBitwiseEqual(steps.get(steps.size() - 1), expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aNonFiniteLossOnTheReplicasLeavesTheParametersAlone(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            LossFunction ce = crossEntropy();
            AtomicBoolean poison = new AtomicBoolean();
            LossFunction loss =
                    (predictions, labels) ->
                            poison.get()
                                    ? java.util.Map.of(
                                            "loss_cls",
                                            ce.compute(predictions, labels)
                                                    .get("loss_cls")
                                                    .mul(Float.NaN))
                                    : ce.compute(predictions, labels);
            SimpleTrainer trainer = trainer(manager, loss, null);
            trainer.setReplicas(replicas(engine, 1), ReplicaThreads.forEngine(engine, 2));
            List<List<float[]>> steps = recordSteps(trainer);
            trainer.registerHooks(LambdaHook.builder().afterStep(t -> poison.set(true)).build());
            assertThatThrownBy(() -> trainer.train(0, 3))
                    .isInstanceOf(NonFiniteLossException.class)
                    .hasMessageContaining("at iteration 1")
                    .hasMessageContaining("loss_cls=NaN");
            assertThat(steps).hasSize(1);
            assertBitwiseEqual(parameters(trainer.model()), steps.get(0));
            close(trainer);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aBatchThatDoesNotSplitOverTheDevicesStopsTheStep(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            SimpleTrainer trainer = trainer(manager, crossEntropy(), null);
            List<float[]> initial = parameters(trainer.model());
            trainer.setReplicas(replicas(engine, 4), ReplicaThreads.forEngine(engine, 5));
            assertThatThrownBy(() -> trainer.train(0, 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("into 5 equal slices along axis 0");
            assertBitwiseEqual(parameters(trainer.model()), initial);
            close(trainer);
        }
    }

    @Test
    @Timeout(60)
    void aReplicaThreadWhoseSetupFailsFailsTheStepInsteadOfHanging() throws Exception {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = engine.newBaseManager()) {
            SimpleTrainer trainer = trainer(manager, crossEntropy(), null);
            List<float[]> initial = parameters(trainer.model());
            trainer.setReplicas(
                    replicas(engine, 1),
                    ReplicaExecution.threads(
                            () -> {
                                throw new IllegalStateException("no settings on this thread");
                            }));
            assertThatThrownBy(() -> trainer.train(0, 2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("no settings on this thread");
            assertBitwiseEqual(parameters(trainer.model()), initial);
            close(trainer);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch"})
    void aReplicaOfAnotherArchitectureIsRefused(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager();
                NDManager other = engine.newBaseManager()) {
            SimpleTrainer trainer = trainer(manager, crossEntropy(), null);
            Replica wider = new Replica(model(other, digits().featureCount(), 32), other);
            assertThatThrownBy(() -> trainer.setReplicas(List.of(wider), ReplicaExecution.inTurn()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("but the model's is");
            assertThat(trainer.workers()).isEqualTo(1);
            trainer.data().close();
        }
    }
}
