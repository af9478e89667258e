package dev.kiln.checkpoint;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.TestData;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Small runs of the digits fixture through {@link DefaultTrainer}, for the checkpoint tests. */
final class TestRuns {

    private TestRuns() {}

    /**
     * Loads a run: 40 digits rows, MLP [16] without dropout, SGD with momentum, 30 iterations.
     *
     * @param outputDir the run directory
     * @param overrides more {@code KEY=VALUE}
     * @return the run
     */
    static KilnRun run(Path outputDir, String... overrides) throws Exception {
        Path work = outputDir.toAbsolutePath().getParent();
        return TestTrainer.in(work)
                .data(TestData.digits40(work.resolve("data")))
                .set("kiln.solver.max-iter", 30)
                .set("kiln.solver.batch-size", 8)
                .set("kiln.model.hidden-sizes", List.of(16))
                .outputDir(outputDir)
                .overrides(overrides)
                .load();
    }

    /** @return a hook asking the trainer to stop after iteration {@code iter} */
    static Hook stopAfter(long iter) {
        return LambdaHook.builder()
                .name("stopper")
                .afterStep(
                        t -> {
                            if (t.iter() == iter) {
                                t.requestStop("test stop");
                            }
                        })
                .build();
    }

    /** @return the model's parameters' bytes, by name */
    static Map<String, byte[]> parameters(DefaultTrainer trainer) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : trainer.model().getParameters()) {
            result.put(p.getKey(), TensorData.of(p.getValue().getArray()).data());
        }
        return result;
    }

    /** @return each recorded total_loss by iteration */
    static Map<Long, Double> losses(DefaultTrainer trainer) {
        Map<Long, Double> result = new LinkedHashMap<>();
        dev.kiln.events.HistoryBuffer history = trainer.trainer().storage().history("total_loss");
        long[] iterations = history.iterations();
        double[] values = history.values();
        for (int i = 0; i < iterations.length; i++) {
            result.put(iterations[i], values[i]);
        }
        return result;
    }

    /** A trainer with extra hooks, made by a function of the default ones. */
    static final class CustomTrainer extends DefaultTrainer {
        private final Function<List<Hook>, List<Hook>> edit;

        CustomTrainer(KilnRun run, Function<List<Hook>, List<Hook>> edit) {
            super(run.config(), run.registry());
            this.edit = edit;
        }

        @Override
        protected List<Hook> buildHooks() {
            return edit.apply(new ArrayList<>(super.buildHooks()));
        }

        long start() {
            return startIteration();
        }
    }

    /** @return an edit that inserts a hook before the periodic writer */
    static Function<List<Hook>, List<Hook>> plus(Hook hook) {
        return hooks -> {
            hooks.add(hooks.size() - 1, hook);
            return hooks;
        };
    }
}
