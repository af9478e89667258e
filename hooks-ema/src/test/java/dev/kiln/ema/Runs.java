package dev.kiln.ema;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.tensors.TensorData;
import dev.kiln.testkit.TestData;
import dev.kiln.testkit.TestTrainer;
import java.nio.file.Path;
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

    /** @return the ema hook the trainer runs */
    static EmaHook ema(DefaultTrainer trainer) {
        return (EmaHook)
                trainer.trainer().hooks().stream()
                        .filter(h -> h instanceof EmaHook)
                        .findFirst()
                        .orElseThrow();
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
