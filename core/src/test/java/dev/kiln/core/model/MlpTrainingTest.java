package dev.kiln.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.kiln.core.data.CsvDataset;
import dev.kiln.core.data.FeatureScaling;
import dev.kiln.core.data.SampledBatchSource;
import dev.kiln.core.data.TrainingSampler;
import dev.kiln.data.TrainingBatch;
import dev.kiln.runtime.Seeds;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pieces together: CSV rows, prefetched batches, an MLP and softmax cross-entropy. */
class MlpTrainingTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void mlpFitsTheDigitsFixture(String engineName) throws URISyntaxException {
        Engine engine = Engine.getEngine(engineName);
        Seeds seeds = Seeds.of(1).engine(engine);
        Path file = Path.of(getClass().getResource("/data/digits-40.csv").toURI());
        CsvDataset train =
                CsvDataset.builder().setPath(file).optScaling(FeatureScaling.MIN_MAX).build();
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(
                                Optimizer.adam()
                                        .optLearningRateTracker(Tracker.fixed(0.01f))
                                        .build());
        try (Model model = Model.newInstance("mlp", engineName);
                SampledBatchSource source =
                        new SampledBatchSource(
                                train,
                                new TrainingSampler(40, true, seeds.derive("sampler")),
                                20)) {
            model.setBlock(Mlp.builder().hiddenSizes(32).outputSize(10).activation("tanh").build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(20, 64));
                float first = 0;
                float last = 0;
                for (int step = 0; step < 40; step++) {
                    try (NDManager stepManager = trainer.getManager().newSubManager()) {
                        TrainingBatch batch = source.next(stepManager);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray loss =
                                    trainer.getLoss()
                                            .evaluate(
                                                    batch.labels(), trainer.forward(batch.data()));
                            collector.backward(loss);
                            last = loss.getFloat();
                        }
                        trainer.step();
                    }
                    if (step == 0) {
                        first = last;
                    }
                }
                assertThat(first).isGreaterThan(1.5f); // about ln(10) at the start
                assertThat(last).isLessThan(0.2f * first);
            }
        }
    }
}
