package dev.kiln.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;
import dev.kiln.core.data.CsvDataset;
import dev.kiln.core.data.SampledBatchSource;
import dev.kiln.core.data.TrainingSampler;
import dev.kiln.core.hooks.IterationTimer;
import dev.kiln.core.model.Mlp;
import dev.kiln.core.optim.Sgd;
import dev.kiln.data.BatchSource;
import dev.kiln.data.TrainingBatch;
import dev.kiln.events.EventStorage;
import dev.kiln.optim.GradientClipper;
import dev.kiln.optim.StatefulOptimizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimpleTrainerTest {

    private static CsvDataset digits() throws Exception {
        Path file = Path.of(SimpleTrainerTest.class.getResource("/data/digits-40.csv").toURI());
        return CsvDataset.builder()
                .setPath(file)
                .optScaling("standardize")
                .setSampling(8, true)
                .build();
    }

    private static SimpleTrainer trainer(
            NDManager manager, Block model, LossFunction loss, StatefulOptimizer optimizer)
            throws Exception {
        CsvDataset data = digits();
        model.initialize(manager, DataType.FLOAT32, new Shape(8, data.featureCount()));
        SampledBatchSource source =
                new SampledBatchSource(data, new TrainingSampler(data.rowCount(), true, 7), 8);
        return new SimpleTrainer(model, manager, loss, optimizer, source);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aSingleLossTermIsRecordedAsTotalLossOnly(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        engine.setRandomSeed(3);
        try (NDManager manager = engine.newBaseManager()) {
            SimpleTrainer trainer =
                    trainer(
                            manager,
                            Mlp.builder().hiddenSizes(16).outputSize(10).build(),
                            LossFunction.of("loss_cls", Loss.softmaxCrossEntropyLoss()),
                            Sgd.builder().learningRate(0.05f).build());
            trainer.train(0, 5);
            trainer.data().close();
            assertThat(trainer.storage().scalarNames())
                    .containsExactlyInAnyOrder("data_time", "total_loss", "lr");
            assertThat(trainer.storage().history("total_loss").count()).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsAndRecordsLossTermsDataTimeAndLr(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        engine.setRandomSeed(3);
        try (NDManager manager = engine.newBaseManager()) {
            Loss ce = Loss.softmaxCrossEntropyLoss();
            // Two terms: the cross entropy and a small L2 penalty on the logits.
            LossFunction loss =
                    (predictions, labels) -> {
                        Map<String, NDArray> terms = new LinkedHashMap<>();
                        terms.put("loss_cls", ce.evaluate(labels, predictions));
                        terms.put(
                                "loss_reg",
                                predictions.singletonOrThrow().square().mean().mul(1e-4f));
                        return terms;
                    };
            SimpleTrainer trainer =
                    trainer(
                            manager,
                            Mlp.builder().hiddenSizes(32).outputSize(10).build(),
                            loss,
                            Sgd.builder().learningRate(0.05f).momentum(0.9f).build());
            trainer.setGradientClipper(GradientClipper.byNorm(10f));
            trainer.train(0, 60);
            trainer.data().close();

            EventStorage s = trainer.storage();
            assertThat(s.history("total_loss").count()).isEqualTo(60);
            assertThat(s.history("loss_cls").count()).isEqualTo(60);
            assertThat(s.history("loss_reg").count()).isEqualTo(60);
            assertThat(s.history("data_time").count()).isEqualTo(60);
            assertThat(s.history("lr").latest())
                    .isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-7));
            assertThat(s.smoothingHints())
                    .containsEntry("lr", false)
                    .containsEntry("total_loss", true);
            double first = s.history("total_loss").values()[0];
            // total = sum of terms at every iteration
            double[] total = s.history("total_loss").values();
            double[] cls = s.history("loss_cls").values();
            double[] reg = s.history("loss_reg").values();
            for (int i = 0; i < total.length; i++) {
                assertThat(total[i])
                        .isCloseTo(cls[i] + reg[i], org.assertj.core.data.Offset.offset(1e-5));
            }
            assertThat(s.history("total_loss").median(10)).isLessThan(first * 0.3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aNonFiniteLossNamesTheIterationAndTermsAndLeavesParametersAlone(String engineName)
            throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            Loss ce = Loss.softmaxCrossEntropyLoss();
            int[] calls = {0};
            LossFunction loss =
                    (predictions, labels) -> {
                        NDArray cls = ce.evaluate(labels, predictions);
                        NDArray bad = calls[0]++ == 5 ? cls.mul(Float.NaN) : cls.mul(0);
                        Map<String, NDArray> terms = new LinkedHashMap<>();
                        terms.put("loss_cls", cls);
                        terms.put("loss_bad", bad);
                        return terms;
                    };
            Block model = Mlp.builder().hiddenSizes(16).outputSize(10).build();
            SimpleTrainer trainer =
                    trainer(manager, model, loss, Sgd.builder().learningRate(0.1f).build());
            List<String> afterTrainRan = new java.util.ArrayList<>();
            trainer.registerHooks(
                    LambdaHook.builder().afterTrain(t -> afterTrainRan.add("yes")).build());
            byte[][] before = new byte[1][];
            trainer.registerHooks(
                    LambdaHook.builder()
                            .afterStep(
                                    t -> {
                                        if (t.iter() == 4) {
                                            before[0] =
                                                    model.getParameters()
                                                            .get(0)
                                                            .getValue()
                                                            .getArray()
                                                            .toByteArray();
                                        }
                                    })
                            .build());
            assertThatThrownBy(() -> trainer.train(0, 20))
                    .isInstanceOf(NonFiniteLossException.class)
                    .hasMessageContaining("at iteration 5")
                    .hasMessageContaining("loss_bad=NaN")
                    .hasMessageContaining("loss_cls=");
            trainer.data().close();
            assertThat(afterTrainRan).containsExactly("yes");
            assertThat(model.getParameters().get(0).getValue().getArray().toByteArray())
                    .isEqualTo(before[0]);
        }
    }

    /** A source of batches whose {@code next} takes {@code nanos} on a fake clock. */
    record SlowSource(BatchSource source, AtomicLong clock, long nanos) implements BatchSource {
        @Override
        public TrainingBatch next(NDManager manager) {
            clock.addAndGet(nanos);
            return source.next(manager);
        }

        @Override
        public Map<String, Object> state() {
            return source.state();
        }

        @Override
        public void loadState(Map<String, Object> state) {
            source.loadState(state);
        }

        @Override
        public void close() {
            source.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void dataTimeAndStepTimeAreMeasuredOnTheTrainersClock(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        engine.setRandomSeed(3);
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        long milli = 1_000_000L;
        try (NDManager manager = engine.newBaseManager()) {
            CsvDataset data = digits();
            Block model = Mlp.builder().hiddenSizes(8).outputSize(10).build();
            model.initialize(manager, DataType.FLOAT32, new Shape(8, data.featureCount()));
            TrainingSampler sampler = new TrainingSampler(data.rowCount(), true, 7);
            BatchSource source =
                    new SlowSource(new SampledBatchSource(data, sampler, 8), clock, 7 * milli);
            Loss ce = Loss.softmaxCrossEntropyLoss();
            LossFunction loss =
                    (predictions, labels) -> {
                        clock.addAndGet(3 * milli); // forward and loss: 3 ms
                        return Map.of("total_loss", ce.evaluate(labels, predictions));
                    };
            StatefulOptimizer sgd = Sgd.builder().learningRate(0.05f).build();
            SimpleTrainer trainer =
                    new SimpleTrainer(model, manager, loss, sgd, source, clock::get);
            trainer.registerHooks(
                    new IterationTimer(0),
                    LambdaHook.builder()
                            .beforeStep(t -> clock.addAndGet(500 * milli))
                            .afterBackward(t -> clock.addAndGet(20 * milli))
                            .afterStep(t -> clock.addAndGet(500 * milli))
                            .build());
            trainer.train(0, 4);
            source.close();

            EventStorage s = trainer.storage();
            // the batch alone: 7 ms
            assertThat(s.history("data_time").values()).containsExactly(0.007, 0.007, 0.007, 0.007);
            // batch, forward and afterBackward: 30 ms; beforeStep and afterStep are outside
            assertThat(s.history("time").values()).containsExactly(0.03, 0.03, 0.03, 0.03);
            assertThat(trainer.nanoTime()).isEqualTo(1_000_000_000L + 4 * 1030 * milli);
        }
    }

    /** A block that reports a statistic of its input to the active storage during forward. */
    static final class ReportingBlock extends AbstractBlock {
        @Override
        protected NDList forwardInternal(
                ParameterStore ps,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            EventStorage.current().putScalar("model/input_mean", x.mean().getFloat(), false);
            return inputs;
        }

        @Override
        public ai.djl.ndarray.types.Shape[] getOutputShapes(
                ai.djl.ndarray.types.Shape[] inputShapes) {
            return inputShapes;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void scalarsPutInsideAForwardPassLandInTheStorage(String engineName) throws Exception {
        Engine engine = Engine.getEngine(engineName);
        try (NDManager manager = engine.newBaseManager()) {
            SequentialBlock model = new SequentialBlock();
            model.add(new ReportingBlock());
            model.add(Mlp.builder().hiddenSizes(8).outputSize(10).build());
            SimpleTrainer trainer =
                    trainer(
                            manager,
                            model,
                            LossFunction.of(Loss.softmaxCrossEntropyLoss()),
                            Sgd.builder().learningRate(0.01f).build());
            trainer.train(0, 3);
            trainer.data().close();
            assertThat(trainer.storage().history("model/input_mean").iterations())
                    .containsExactly(0, 1, 2);
            assertThat(trainer.storage().scalarNames()).contains("total_loss");
        }
    }
}
