package dev.kiln.eval;

import dev.kiln.core.run.KilnRun;
import dev.kiln.testkit.TestData;
import dev.kiln.testkit.TestTrainer;
import java.nio.file.Path;
import java.util.List;

/** Runs of a small MLP on 40 digits rows (10 held out for testing), built from the config. */
final class Runs {

    private Runs() {}

    static KilnRun load(Path tmp, String engine, String... overrides) {
        return TestTrainer.in(tmp)
                .engine(engine)
                .data(TestData.digits40(tmp.resolve("data")))
                .set("kiln.solver.max-iter", 25)
                .set("kiln.solver.batch-size", 8)
                .set("kiln.model.hidden-sizes", List.of(16))
                .outputDir(tmp.resolve("run"))
                .overrides(overrides)
                .load();
    }
}
