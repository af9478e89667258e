package dev.kiln.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.data.BatchSource;
import dev.kiln.data.HostTable;
import dev.kiln.data.TrainingBatch;
import dev.kiln.events.HistoryBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A CSV whose label columns hold values to regress ({@code targets = values}), trained with l2,
 * and one whose label columns hold 0/1 labels ({@code targets = multi-label}), trained with
 * binary cross-entropy.
 */
class CsvRegressionTest {

    @TempDir Path tmp;

    /** 300 rows of y = 2a - b + 0.5, with a little noise. */
    private Path regressionCsv() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            double a = random.nextDouble(-1, 1);
            double b = random.nextDouble(-1, 1);
            double y = 2 * a - b + 0.5 + random.nextGaussian() * 0.01;
            csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f%n", a, b, y));
        }
        return Files.writeString(tmp.resolve("line.csv"), csv);
    }

    /**
     * 40 rows of a, y1 = a + b, b, y2 = 2a - b, y3 = 1 - a + 0.5b: the label columns are 1, 3 and
     * 4, the features a and b.
     */
    private Path threeTargetCsv() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            double a = random.nextDouble(-1, 1);
            double b = random.nextDouble(-1, 1);
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%.5f,%.5f,%.5f,%.5f,%.5f%n",
                            a,
                            a + b,
                            b,
                            2 * a - b,
                            1 - a + 0.5 * b));
        }
        return Files.writeString(tmp.resolve("three.csv"), csv);
    }

    /** 80 rows of 0/1 labels a > 0, b > 0, a + b > 0, then the features a and b. */
    private Path multiLabelCsv() throws IOException {
        SplittableRandom random = new SplittableRandom(9);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            double a = random.nextDouble(-1, 1);
            double b = random.nextDouble(-1, 1);
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%d,%d,%.5f,%.5f%n",
                            a > 0 ? 1 : 0,
                            b > 0 ? 1 : 0,
                            a + b > 0 ? 1 : 0,
                            a,
                            b));
        }
        return Files.writeString(tmp.resolve("multi.csv"), csv);
    }

    private List<String> overrides(String engine, Path csv, String... more) {
        List<String> overrides =
                new ArrayList<>(
                        List.of(
                                "kiln.engine=" + engine,
                                "kiln.data.train.path=\"" + csv + "\"",
                                "kiln.data.train.scaling=none",
                                "kiln.model.hidden-sizes=[16]",
                                "kiln.hooks=[]",
                                "kiln.writers=[]",
                                "kiln.output-dir=\"" + tmp.resolve("run") + "\""));
        overrides.addAll(List.of(more));
        return overrides;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aValueColumnTrainsOneOutputWithTheL2Loss(String engine) throws Exception {
        List<String> overrides =
                List.of(
                        "kiln.engine=" + engine,
                        "kiln.data.train.path=\"" + regressionCsv() + "\"",
                        "kiln.data.train.targets=values",
                        "kiln.data.train.scaling=none",
                        "kiln.loss.type=l2",
                        "kiln.model.hidden-sizes=[16]",
                        "kiln.solver.base-lr=0.02",
                        "kiln.solver.max-iter=300",
                        "kiln.solver.batch-size=32",
                        "kiln.hooks=[]",
                        "kiln.writers=[]",
                        "kiln.output-dir=\"" + tmp.resolve("run") + "\"");
        try (KilnRun run = KilnRun.builder().overrides(overrides).load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            trainer.train();

            assertThat(trainer.trainData().classCount()).isEqualTo(1);
            assertThat(trainer.model().getOutputShapes(new Shape[] {new Shape(4, 2)}))
                    .containsExactly(new Shape(4, 1));
            HistoryBuffer loss = trainer.trainer().storage().history("total_loss");
            // the variance of y is about 5/3; a fitted line leaves the noise
            assertThat(loss.values()[0]).isGreaterThan(0.3);
            assertThat(loss.median(20)).isLessThan(0.02);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void threeValueColumnsTrainThreeOutputsWithTheL2Loss(String engine) throws Exception {
        List<String> overrides =
                overrides(
                        engine,
                        threeTargetCsv(),
                        "kiln.data.train.label-columns=[1, -2, -1]",
                        "kiln.data.train.targets=values",
                        "kiln.loss.type=l2",
                        "kiln.solver.base-lr=0.02",
                        "kiln.solver.max-iter=200",
                        "kiln.solver.batch-size=16");
        try (KilnRun run = KilnRun.builder().overrides(overrides).load();
                ShapeRecordingTrainer trainer =
                        new ShapeRecordingTrainer(run.config(), run.registry())) {
            trainer.train();

            assertThat(trainer.trainData().classCount()).isEqualTo(3);
            HostTable train = (HostTable) trainer.trainData().examples();
            assertThat(train.labelCount()).isEqualTo(3);
            assertThat(train.featureCount()).isEqualTo(2);
            assertThat(trainer.trainData().heldOut())
                    .hasValueSatisfying(
                            test -> assertThat(((HostTable) test).labelCount()).isEqualTo(3));
            assertThat(trainer.labelShapes).containsExactly(new Shape(16, 3));
            assertThat(trainer.model().getOutputShapes(new Shape[] {new Shape(4, 2)}))
                    .containsExactly(new Shape(4, 3));
            HistoryBuffer loss = trainer.trainer().storage().history("total_loss");
            // the targets' mean square is about 1.2 (y3 has mean 1); linear ones are learnt
            assertThat(loss.values()[0]).isGreaterThan(0.5);
            assertThat(loss.median(20)).isLessThan(0.05);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void multiLabelColumnsTrainWithBinaryCrossEntropy(String engine) throws Exception {
        List<String> overrides =
                overrides(
                        engine,
                        multiLabelCsv(),
                        "kiln.data.train.label-columns=[0, 1, 2]",
                        "kiln.data.train.targets=multi-label",
                        "kiln.loss.type=binary-cross-entropy",
                        "kiln.solver.base-lr=0.1",
                        "kiln.solver.max-iter=200",
                        "kiln.solver.batch-size=16");
        try (KilnRun run = KilnRun.builder().overrides(overrides).load();
                ShapeRecordingTrainer trainer =
                        new ShapeRecordingTrainer(run.config(), run.registry())) {
            trainer.train();

            assertThat(trainer.trainData().classCount()).isEqualTo(3);
            assertThat(trainer.labelShapes).containsExactly(new Shape(16, 3));
            assertThat(trainer.model().getOutputShapes(new Shape[] {new Shape(4, 2)}))
                    .containsExactly(new Shape(4, 3));
            HistoryBuffer loss = trainer.trainer().storage().history("total_loss");
            // log 2 = 0.69 at chance; three linearly separable labels are learnt
            assertThat(loss.values()[0]).isGreaterThan(0.5);
            assertThat(loss.median(20)).isLessThan(0.3);
        }
    }

    /** A trainer whose batch source remembers the shapes of the labels it gave out. */
    private static final class ShapeRecordingTrainer extends DefaultTrainer {

        final Set<Shape> labelShapes = ConcurrentHashMap.newKeySet();

        ShapeRecordingTrainer(KilnConfig config, ExtensionRegistry registry) {
            super(config, registry);
        }

        @Override
        protected BatchSource buildBatchSource(RandomAccessDataset examples) {
            BatchSource source = super.buildBatchSource(examples);
            return new BatchSource() {
                @Override
                public TrainingBatch next(NDManager manager) {
                    TrainingBatch batch = source.next(manager);
                    labelShapes.add(batch.labels().singletonOrThrow().getShape());
                    return batch;
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
            };
        }
    }
}
