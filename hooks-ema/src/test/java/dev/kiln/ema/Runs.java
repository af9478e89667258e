package dev.kiln.ema;

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

/** Small runs of an MLP on 40 digits rows, built from the config, for the ema tests. */
final class Runs {

    private Runs() {}

    /** Loads a run of 30 iterations of SGD with momentum, batches of 8, the ema hook. */
    static KilnRun load(Path dir, String engine, String... overrides) {
        return TestTrainer.in(dir)
                .engine(engine)
                .data(TestData.digits40(dir.resolve("data")))
                .set("kiln.solver.max-iter", 30)
                .set("kiln.solver.batch-size", 8)
                .set("kiln.solver.momentum", 0.9)
                .set("kiln.model.hidden-sizes", List.of(16))
                .hooks("ema")
                .outputDir(dir.resolve("run"))
                .overrides(overrides)
                .load();
    }

    /**
     * A DefaultTrainer with extra hooks: {@code before} right after the iteration timer (before
     * ema), {@code after} right before the periodic writer (after ema).
     */
    static final class TrainerWith extends DefaultTrainer {
        private final List<Hook> before;
        private final List<Hook> after;

        TrainerWith(KilnRun run, List<Hook> before, List<Hook> after) {
            super(run.config(), run.registry());
            this.before = before;
            this.after = after;
        }

        @Override
        protected List<Hook> buildHooks() {
            List<Hook> hooks = new ArrayList<>(super.buildHooks());
            hooks.addAll(hooks.size() - 1, after);
            hooks.addAll(1, before);
            return hooks;
        }

        EmaHook ema() {
            return (EmaHook)
                    trainer().hooks().stream()
                            .filter(h -> h instanceof EmaHook)
                            .findFirst()
                            .orElseThrow();
        }
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

    /** @return the model's parameters, by name */
    static Map<String, TensorData> parameters(DefaultTrainer trainer) {
        Map<String, TensorData> result = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : trainer.model().getParameters()) {
            result.put(p.getKey(), TensorData.of(p.getValue().getArray()));
        }
        return result;
    }

    /** @return the model's parameters as floats, by name */
    static Map<String, float[]> floats(DefaultTrainer trainer) {
        Map<String, float[]> result = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : trainer.model().getParameters()) {
            result.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return result;
    }
}
