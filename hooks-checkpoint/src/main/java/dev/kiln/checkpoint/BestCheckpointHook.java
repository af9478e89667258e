package dev.kiln.checkpoint;

import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import com.typesafe.config.Config;
import dev.kiln.events.MetricWatch;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.train.HookBase;
import dev.kiln.train.StatefulHook;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook {@code best-checkpoint}: after each iteration, if the metric {@code
 * kiln.best-checkpoint.metric} has a value newer than the last one looked at and it is the best so
 * far ({@code mode} {@code max} or {@code min}; NaN is never best), saves the checkpoint {@code
 * model_best}. The best value and its iteration are saved in every checkpoint, so a resumed run
 * keeps them. Register it after the hook that records the metric (an evaluation hook).
 */
@KilnExtension(
        name = "best-checkpoint",
        description =
                "saves model_best whenever kiln.best-checkpoint.metric reaches its best value")
public final class BestCheckpointHook extends HookBase implements StatefulHook {

    private static final Logger LOG = LoggerFactory.getLogger(BestCheckpointHook.class);

    /** The name of the best checkpoint. */
    public static final String BEST = "model_best";

    private final Checkpointer checkpointer;
    private final MetricWatch watch;

    /**
     * Creates the hook from its config section.
     *
     * @param section {@code kiln.best-checkpoint}
     * @param kiln the whole {@code kiln} config
     * @param outputDir the run directory
     * @param model the model
     * @param optimizer the optimizer
     * @param engine the engine
     */
    @Inject
    public BestCheckpointHook(
            Config section,
            @Named("kiln") Config kiln,
            @Named("output-dir") Path outputDir,
            Block model,
            StatefulOptimizer optimizer,
            Engine engine) {
        this(
                Checkpointer.builder(outputDir, model)
                        .optimizer(optimizer)
                        .runInfo(TrainerStates.runInfo(kiln, engine.getEngineName()))
                        .updateLast(false)
                        .build(),
                Settings.of(section, "kiln.best-checkpoint").string("metric"),
                Settings.of(section, "kiln.best-checkpoint").oneOf("mode", List.of("min", "max")));
    }

    /**
     * Creates the hook around a checkpointer of one's own.
     *
     * @param checkpointer where and how to save; it should not update {@code last_checkpoint}
     * @param metric the name of the metric in the event storage
     * @param mode {@code max} or {@code min}
     */
    public BestCheckpointHook(Checkpointer checkpointer, String metric, String mode) {
        this.watch = new MetricWatch(metric, mode, 0, "kiln.best-checkpoint");
        this.checkpointer = checkpointer;
    }

    @Override
    public String name() {
        return "best-checkpoint";
    }

    @Override
    public void afterStep() {
        watch.poll(trainer().storage())
                .filter(MetricWatch.Reading::improved)
                .ifPresent(
                        r -> {
                            LOG.info(
                                    "New best {} = {} at iteration {}",
                                    watch.metric(),
                                    r.value(),
                                    r.iteration());
                            if (trainer().rank() == 0) {
                                checkpointer.save(BEST, TrainerStates.toJson(trainer().state()));
                            }
                        });
    }

    /**
     * Whether a value beats the best so far.
     *
     * @param value the value
     * @return false for NaN; true for any other value when there is no best yet
     */
    boolean isBetter(double value) {
        return watch.improves(value);
    }

    /** @return the best value so far, NaN before any */
    public double best() {
        return watch.best();
    }

    /** @return the iteration of the best value, -1 before any */
    public long bestIteration() {
        return watch.bestIteration();
    }

    @Override
    public Map<String, Object> saveState() {
        Map<String, Object> state = new LinkedHashMap<>();
        watch.saveState(state);
        return state;
    }

    @Override
    public void loadState(Map<String, Object> state) {
        watch.loadState(state, name());
    }
}
