package dev.kiln.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.kiln.eval.evaluator.AccuracyEvaluator;
import dev.kiln.eval.evaluator.LossEvaluator;
import dev.kiln.eval.evaluator.PerClassEvaluator;
import dev.kiln.eval.evaluator.RegressionEvaluator;
import dev.kiln.evaluation.Evaluator;
import dev.kiln.train.LossFunction;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each evaluator against values computed by hand, on both engines. */
class EvaluatorsTest {

    // Four examples, three classes, fed as a batch of 3 and a batch of 1.
    private static final float[][] SCORES = {
        {0.1f, 0.7f, 0.2f}, // label 1: top-1 right
        {0.5f, 0.3f, 0.2f}, // label 1: second highest
        {0.2f, 0.2f, 0.6f}, // label 2: top-1 right
        {0.3f, 0.4f, 0.3f}, // label 0: second, tied with class 2
    };
    private static final float[] LABELS = {1, 1, 2, 0};

    private static void feed(NDManager manager, Evaluator evaluator) {
        evaluator.reset();
        feed(manager, evaluator, 0, 3);
        feed(manager, evaluator, 3, 1);
    }

    private static void feed(NDManager manager, Evaluator evaluator, int from, int count) {
        float[] scores = new float[count * 3];
        float[] labels = new float[count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(SCORES[from + i], 0, scores, i * 3, 3);
            labels[i] = LABELS[from + i];
        }
        try (NDManager batch = manager.newSubManager()) {
            evaluator.process(
                    new NDList(batch.zeros(new Shape(count, 2))),
                    new NDList(batch.create(scores, new Shape(count, 3))),
                    new NDList(batch.create(labels, new Shape(count))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void accuracyCountsTopOneAndTopK(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            AccuracyEvaluator top2 = new AccuracyEvaluator(2);
            feed(manager, top2);
            // top-1: examples 0 and 2; top-2: all four (example 3's tie counts for it)
            assertThat(top2.evaluate())
                    .containsExactly(Map.entry("accuracy", 0.5), Map.entry("top2-accuracy", 1.0));
            AccuracyEvaluator top1 = new AccuracyEvaluator(1);
            feed(manager, top1);
            assertThat(top1.evaluate()).containsExactly(Map.entry("accuracy", 0.5));
            // reset forgets: only the last batch (example 3, wrong) counts
            top1.reset();
            feed(manager, top1, 3, 1);
            assertThat(top1.evaluate()).containsExactly(Map.entry("accuracy", 0.0));
            // NaN scores are wrong, not a tie won
            top2.reset();
            top2.process(
                    new NDList(),
                    new NDList(
                            manager.create(
                                    new float[] {Float.NaN, Float.NaN, 0.1f, Float.NaN},
                                    new Shape(2, 2))),
                    new NDList(manager.create(new float[] {0, 0})));
            assertThat(top2.evaluate())
                    .containsEntry("accuracy", 0.0)
                    .containsEntry("top2-accuracy", 0.0);
            assertThatThrownBy(() -> new AccuracyEvaluator(0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void perClassGivesEachClassAccuracyAndTheConfusionMatrix(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            PerClassEvaluator perClass = new PerClassEvaluator();
            feed(manager, perClass);
            Map<String, Double> expected = new LinkedHashMap<>();
            expected.put("mean-class-accuracy", (0.0 + 0.5 + 1.0) / 3);
            expected.put("class-accuracy/0", 0.0);
            expected.put("class-accuracy/1", 0.5);
            expected.put("class-accuracy/2", 1.0);
            assertThat(perClass.evaluate()).containsExactlyEntriesOf(expected);
            assertThat(perClass.confusionMatrix())
                    .isDeepEqualTo(new long[][] {{0, 1, 0}, {1, 1, 0}, {0, 0, 1}});
            perClass.process(
                    new NDList(),
                    new NDList(manager.create(new float[] {Float.NaN, 1, 0}, new Shape(1, 3))),
                    new NDList(manager.create(new float[] {2})));
            // class 2 now has a second example, predicted as nothing
            assertThat(perClass.evaluate()).containsEntry("class-accuracy/2", 0.5);
            assertThat(perClass.confusionMatrix()[2]).containsExactly(0, 0, 1);
            perClass.reset();
            feed(manager, perClass);
            assertThat(perClass.matrixText())
                    .isEqualTo("   | 0 1 2\n 0 | 0 1 0\n 1 | 1 1 0\n 2 | 0 0 1");
        }
    }

    /** Softmax cross entropy of one example, by hand. */
    private static double crossEntropy(float[] scores, int label) {
        double max = Math.max(scores[0], Math.max(scores[1], scores[2]));
        double sum = 0;
        for (float s : scores) {
            sum += Math.exp(s - max);
        }
        return -(scores[label] - max - Math.log(sum));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void lossIsTheMeanOverEveryExampleNotOverBatches(String engine) {
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            expected += crossEntropy(SCORES[i], (int) LABELS[i]);
        }
        expected /= 4;
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            LossEvaluator loss =
                    new LossEvaluator(LossFunction.of("loss_cls", Loss.softmaxCrossEntropyLoss()));
            feed(manager, loss);
            Map<String, Double> results = loss.evaluate();
            assertThat(results).containsOnlyKeys("loss");
            assertThat(results.get("loss")).isCloseTo(expected, within(1e-6));

            // two terms: each reported, and their sum as loss
            LossFunction twoTerms =
                    (predictions, labels) -> {
                        Map<String, ai.djl.ndarray.NDArray> terms = new LinkedHashMap<>();
                        terms.put(
                                "loss_cls",
                                Loss.softmaxCrossEntropyLoss().evaluate(labels, predictions));
                        terms.put("loss_l2", predictions.head().square().mean());
                        return terms;
                    };
            double l2 = 0;
            for (float[] row : SCORES) {
                for (float s : row) {
                    l2 += (double) s * s;
                }
            }
            l2 /= 12; // every example has 3 scores, so the mean of batch means weighs the same
            LossEvaluator both = new LossEvaluator(twoTerms);
            feed(manager, both);
            Map<String, Double> r = both.evaluate();
            assertThat(r).containsOnlyKeys("loss", "loss_cls", "loss_l2");
            assertThat(r.get("loss_cls")).isCloseTo(expected, within(1e-6));
            assertThat(r.get("loss_l2")).isCloseTo(l2, within(1e-6));
            assertThat(r.get("loss")).isCloseTo(expected + l2, within(1e-6));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void regressionGivesMseAndMae(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            RegressionEvaluator regression = new RegressionEvaluator();
            regression.reset();
            // predictions (3, 1) against labels (3): errors -0.5, 0, 2; then (1) against (1): 1
            regression.process(
                    new NDList(),
                    new NDList(manager.create(new float[] {1, 2, 3}, new Shape(3, 1))),
                    new NDList(manager.create(new float[] {1.5f, 2, 1})));
            regression.process(
                    new NDList(),
                    new NDList(manager.create(new float[] {4}, new Shape(1, 1))),
                    new NDList(manager.create(new float[] {3})));
            Map<String, Double> r = regression.evaluate();
            assertThat(r).containsOnlyKeys("mse", "mae");
            assertThat(r.get("mse")).isCloseTo((0.25 + 0 + 4 + 1) / 4, within(1e-9));
            assertThat(r.get("mae")).isCloseTo((0.5 + 0 + 2 + 1) / 4, within(1e-9));
            assertThatThrownBy(
                            () ->
                                    regression.process(
                                            new NDList(),
                                            new NDList(manager.zeros(new Shape(3, 2))),
                                            new NDList(manager.zeros(new Shape(3)))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(3, 2)")
                    .hasMessageContaining("(3)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void regressionAveragesOverEveryOutputOfSeveralTargets(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            RegressionEvaluator regression = new RegressionEvaluator();
            regression.reset();
            // two examples of three targets: errors 1, 0, -2 and 0.5, 0, 0; then one of 3, 0, 0
            regression.process(
                    new NDList(),
                    new NDList(manager.create(new float[] {2, 1, 0, 1.5f, 2, 3}, new Shape(2, 3))),
                    new NDList(manager.create(new float[] {1, 1, 2, 1, 2, 3}, new Shape(2, 3))));
            regression.process(
                    new NDList(),
                    new NDList(manager.create(new float[] {3, 0, 0}, new Shape(1, 3))),
                    new NDList(manager.create(new float[] {0, 0, 0}, new Shape(1, 3))));
            Map<String, Double> r = regression.evaluate();
            assertThat(r.get("mse")).isCloseTo((1 + 4 + 0.25 + 9) / 9.0, within(1e-9));
            assertThat(r.get("mae")).isCloseTo((1 + 2 + 0.5 + 3) / 9.0, within(1e-9));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void accuracyRefusesSeveralLabelsPerExample(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            AccuracyEvaluator accuracy = new AccuracyEvaluator(1);
            accuracy.reset();
            assertThatThrownBy(
                            () ->
                                    accuracy.process(
                                            new NDList(),
                                            new NDList(manager.zeros(new Shape(4, 3))),
                                            new NDList(manager.ones(new Shape(4, 3)))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "class labels must have shape (batch) but have shape (4, 3): several"
                                    + " labels per example (such as a CSV's label-columns) are not"
                                    + " one class index; measure them with the regression or loss"
                                    + " evaluator");
        }
    }
}
