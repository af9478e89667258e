package dev.kiln.spi;

import dev.kiln.collective.CollectiveProvider;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.image.TransformProvider;
import dev.kiln.evaluation.EvaluatorProvider;
import dev.kiln.events.EventWriter;
import dev.kiln.loss.LossProvider;
import dev.kiln.model.ModelProvider;
import dev.kiln.optim.OptimizerProvider;
import dev.kiln.predict.InputReaderProvider;
import dev.kiln.schedule.ScheduleProvider;
import dev.kiln.train.Hook;
import java.util.List;

/**
 * Kiln's extension points: what a plugin jar can add, each listed in {@code
 * META-INF/services/<interface>} and selected by name in the config.
 */
public final class ExtensionPoints {

    /** Training callbacks, selected by {@code kiln.hooks}. */
    public static final ExtensionPoint<Hook> HOOK = new ExtensionPoint<>("hook", Hook.class);

    /** Writers of the event storage, selected by {@code kiln.writers}. */
    public static final ExtensionPoint<EventWriter> WRITER =
            new ExtensionPoint<>("writer", EventWriter.class);

    /** Models, selected by {@code kiln.model.type}. */
    public static final ExtensionPoint<ModelProvider> MODEL =
            new ExtensionPoint<>("model", ModelProvider.class);

    /** Datasets, selected by {@code kiln.data.train.type} and {@code kiln.data.test.type}. */
    public static final ExtensionPoint<DatasetProvider> DATASET =
            new ExtensionPoint<>("dataset", DatasetProvider.class);

    /** Optimizers, selected by {@code kiln.solver.optimizer}. */
    public static final ExtensionPoint<OptimizerProvider> OPTIMIZER =
            new ExtensionPoint<>("optimizer", OptimizerProvider.class);

    /** Parameter schedules, selected by the key their plugin declares in {@code kiln-selectors}. */
    public static final ExtensionPoint<ScheduleProvider> SCHEDULE =
            new ExtensionPoint<>("schedule", ScheduleProvider.class);

    /** Evaluators, selected by the key their plugin declares in {@code kiln-selectors}. */
    public static final ExtensionPoint<EvaluatorProvider> EVALUATOR =
            new ExtensionPoint<>("evaluator", EvaluatorProvider.class);

    /** Losses, selected by {@code kiln.loss.type}. */
    public static final ExtensionPoint<LossProvider> LOSS =
            new ExtensionPoint<>("loss", LossProvider.class);

    /** Image transforms, by {@code type} in a dataset's {@code transforms} list. */
    public static final ExtensionPoint<TransformProvider> TRANSFORM =
            new ExtensionPoint<>("transform", TransformProvider.class);

    /** Readers of raw inputs to predict, by the name a dataset gives in its prediction input. */
    public static final ExtensionPoint<InputReaderProvider> INPUT_READER =
            new ExtensionPoint<>("input-reader", InputReaderProvider.class);

    /**
     * Collectives (all-reduce across worker processes), selected by the multi-process launcher;
     * see {@code dev.kiln.collective}.
     */
    public static final ExtensionPoint<CollectiveProvider> COLLECTIVE =
            new ExtensionPoint<>("collective", CollectiveProvider.class);

    private static final List<ExtensionPoint<?>> ALL =
            List.of(
                    HOOK,
                    WRITER,
                    MODEL,
                    DATASET,
                    TRANSFORM,
                    INPUT_READER,
                    OPTIMIZER,
                    LOSS,
                    SCHEDULE,
                    EVALUATOR,
                    COLLECTIVE);

    private ExtensionPoints() {}

    /** @return every extension point, in listing order */
    public static List<ExtensionPoint<?>> all() {
        return ALL;
    }
}
