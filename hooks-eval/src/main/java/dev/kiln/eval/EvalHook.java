package dev.kiln.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.dataset.RandomAccessDataset;
import com.typesafe.config.Config;
import dev.kiln.evaluation.CombinedEvaluator;
import dev.kiln.evaluation.EvaluationHook;
import dev.kiln.evaluation.Evaluator;
import dev.kiln.evaluation.EvaluatorProvider;
import dev.kiln.evaluation.ExpectedResultsException;
import dev.kiln.evaluation.Inference;
import dev.kiln.evaluation.ResultsTable;
import dev.kiln.events.EventStorage;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.spi.Extensions;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.train.Hook;
import dev.kiln.train.HookBase;
import dev.kiln.train.TrainerView;
import dev.kiln.train.WeightsVariant;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook {@code eval}, after detectron2's {@code EvalHook}: measures the model on the test data
 * with the evaluators of {@code kiln.eval.evaluators} every {@code kiln.eval.period} iterations and
 * after the last one (also when training stops early), and puts each result into the event storage
 * as {@code test/<name>} without smoothing, at the iteration evaluated, so the writers and a
 * best-checkpoint hook registered after it see it. Each evaluation prints a small table.
 *
 * <p>Each registered hook that is a {@link WeightsVariant} (an {@code ema} hook's moving average of
 * the parameters) is evaluated too, at the same moments, with its values swapped into the model:
 * its results are named {@code test-<variantName>/<name>} ({@code test-ema/accuracy}), stored, shown
 * in the same table and checked against the expected results like the others, and the trained
 * values are back in the model afterwards, bitwise. A variant that holds no values yet is skipped.
 *
 * <p>After training it checks {@code kiln.eval.expected-results} against the last results and
 * throws an {@link ExpectedResultsException} on a miss. For {@code --eval-only}, {@link
 * #evaluateOnly()} evaluates once, prints and checks, without training.
 */
@KilnExtension(
        name = EvalHook.NAME,
        description =
                "evaluates on the test data every kiln.eval.period iterations and after the last;"
                        + " results as test/<name>")
public final class EvalHook extends HookBase implements EvaluationHook {

    private static final Logger LOG = LoggerFactory.getLogger(EvalHook.class);

    /** The hook's name. */
    public static final String NAME = "eval";

    /** What each result's name is prefixed with in the storage and the table. */
    public static final String PREFIX = "test/";

    private final Block model;
    private final NDManager manager;
    private static final String NO_TEST_DATA =
            "the eval hook has no test data to evaluate on: set kiln.data.train.test-fraction"
                    + " above 0 or give kiln.data.test";

    private final RandomAccessDataset data;
    private final int batchSize;
    private final Evaluator evaluator;
    private final long period;
    private final List<ExpectedResult> expected;
    private long lastEvaluated = -1;
    private TrainerView attached;
    private Map<String, Double> latest;

    /**
     * Creates the hook of a run from {@code kiln.eval}.
     *
     * @param section {@code kiln.eval}
     * @param kiln the run's config, the {@code kiln} tree (for the batch size)
     * @param model the model
     * @param manager the manager of the model's parameters
     * @param testData the run's test data
     * @param extensions the installed extensions, for the evaluators
     */
    @Inject
    public EvalHook(
            Config section,
            @Named("kiln") Config kiln,
            Block model,
            NDManager manager,
            @Named("test") Optional<RandomAccessDataset> testData,
            Extensions extensions) {
        this(
                model,
                manager,
                testData.orElse(null),
                kiln.getInt("solver.batch-size"),
                evaluators(section, extensions),
                Settings.of(section, "kiln.eval").longAtLeast("period", 0),
                ExpectedResult.parse(section.getList("expected-results")));
    }

    /**
     * Creates the hook with parts of one's own.
     *
     * @param model the model
     * @param manager a manager on the model's device
     * @param data the test data; null when the run has none, which turns evaluation off
     * @param batchSize examples per batch of inference
     * @param evaluator what measures the model
     * @param period evaluate every this many iterations; 0: only after the last
     * @param expected the results to check after training
     */
    public EvalHook(
            Block model,
            NDManager manager,
            RandomAccessDataset data,
            int batchSize,
            Evaluator evaluator,
            long period,
            List<ExpectedResult> expected) {
        if (period < 0) {
            throw new IllegalArgumentException("the period must be >= 0, was " + period);
        }
        this.model = model;
        this.manager = manager;
        this.data = data;
        this.batchSize = batchSize;
        this.evaluator = evaluator;
        this.period = period;
        this.expected = List.copyOf(expected);
    }

    private static Evaluator evaluators(Config section, Extensions extensions) {
        List<String> names = section.getStringList("evaluators");
        if (names.isEmpty()) {
            throw Settings.of(section, "kiln.eval")
                    .problem(
                            "evaluators",
                            "is empty; choose from: "
                                    + String.join(
                                            ", ", extensions.names(ExtensionPoints.EVALUATOR)));
        }
        List<Evaluator> evaluators = new ArrayList<>();
        for (String name : names) {
            EvaluatorProvider provider = extensions.create(ExtensionPoints.EVALUATOR, name);
            evaluators.add(provider.create());
        }
        return evaluators.size() == 1 ? evaluators.get(0) : new CombinedEvaluator(evaluators);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void attach(TrainerView trainer) {
        super.attach(trainer);
        attached = trainer;
    }

    /** Says once that evaluation is off when the run has no test data. */
    @Override
    public void beforeTrain() {
        if (data == null) {
            LOG.info("No evaluation: {}", NO_TEST_DATA.substring("the eval hook has ".length()));
        }
    }

    @Override
    public void afterStep() {
        if (data == null) {
            return;
        }
        long iter = trainer().iter();
        long next = iter + 1;
        boolean periodic = period > 0 && next % period == 0;
        if (periodic || next == trainer().maxIter() || trainer().isStopRequested()) {
            evaluateAndStore(iter);
        }
    }

    /**
     * When training ended cleanly (at {@code max-iter}, or stopped on request), evaluates after the
     * last iteration if that was not done yet, then checks the last results against the expected
     * ones. After a failed training it does neither: the failure is what the run reports.
     *
     * @throws ExpectedResultsException when a result misses what the config expects
     */
    @Override
    public void afterTrain() {
        if (data == null || trainer().failure().isPresent()) {
            return;
        }
        long last = trainer().iter() - 1;
        if (last >= trainer().startIter() && last != lastEvaluated) {
            trainer().storage().setIter(last);
            evaluateAndStore(last);
        }
        if (latest != null) {
            check(latest);
        }
    }

    @Override
    public Map<String, Double> evaluateOnly() {
        if (data == null) {
            throw new IllegalStateException(NO_TEST_DATA);
        }
        Map<String, Double> results = evaluateWithVariants();
        LOG.info("Evaluation of the model as it stands:\n{}", ResultsTable.of(results));
        check(results);
        return results;
    }

    /** @return the results of the last evaluation during training, by full name; null before */
    public Map<String, Double> latest() {
        return latest;
    }

    /** @return the iteration of the last evaluation during training, -1 before */
    public long lastEvaluated() {
        return lastEvaluated;
    }

    private void evaluateAndStore(long iter) {
        Map<String, Double> results = evaluateWithVariants();
        EventStorage storage = trainer().storage();
        results.forEach((name, value) -> storage.putScalar(name, value, false));
        lastEvaluated = iter;
        latest = results;
        LOG.info("Evaluation at iteration {}:\n{}", iter, ResultsTable.of(results));
    }

    /**
     * @return the evaluator's results for the trained values, named {@code test/<name>}, then for
     *     each weights variant's, named {@code test-<variant>/<name>}
     */
    private Map<String, Double> evaluateWithVariants() {
        Map<String, Double> results = evaluate(PREFIX);
        for (Hook hook : attached == null ? List.<Hook>of() : attached.hooks()) {
            if (hook instanceof WeightsVariant variant) {
                results.putAll(evaluate(variant));
            }
        }
        return results;
    }

    /** @return the variant's results, named {@code test-<variant>/<name>}; empty without values */
    private Map<String, Double> evaluate(WeightsVariant variant) {
        WeightsVariant.Swap swap;
        try {
            swap = variant.swapIn();
        } catch (IllegalStateException e) {
            LOG.info("Not evaluating the weights '{}': {}", variant.variantName(), e.getMessage());
            return Map.of();
        }
        try (swap) {
            return evaluate(variantPrefix(variant.variantName()));
        }
    }

    /**
     * Returns what the results of a weights variant are prefixed with.
     *
     * @param variantName the variant's name, such as {@code ema}
     * @return {@code test-<variantName>/}
     */
    public static String variantPrefix(String variantName) {
        return PREFIX.substring(0, PREFIX.length() - 1) + "-" + variantName + "/";
    }

    /** @return the evaluator's results for the model as it stands, named {@code <prefix><name>} */
    private Map<String, Double> evaluate(String prefix) {
        Map<String, Double> raw =
                Inference.inferenceOnDataset(model, manager, data, batchSize, evaluator);
        Map<String, Double> results = new LinkedHashMap<>();
        raw.forEach((name, value) -> results.put(prefix + name, value));
        return results;
    }

    private void check(Map<String, Double> results) {
        if (expected.isEmpty()) {
            return;
        }
        try {
            ExpectedResult.check(expected, results);
        } catch (ExpectedResultsException e) {
            for (String miss : e.misses()) {
                LOG.error("Expected result missed: {}", miss);
            }
            throw e;
        }
        LOG.info("All {} expected results reached", expected.size());
    }
}
