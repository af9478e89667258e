package dev.kiln.eval;

import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.testkit.TestData;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * A DefaultTrainer with extra hooks: {@code before} right after the iteration timer, {@code
     * after} right before the periodic writer.
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
    }

    /** A hook that asks to stop after the given iteration. */
    static Hook stopAfter(long iteration) {
        return LambdaHook.builder()
                .name("stop")
                .afterStep(
                        t -> {
                            if (t.iter() == iteration) {
                                t.requestStop("test stop");
                            }
                        })
                .build();
    }
}
