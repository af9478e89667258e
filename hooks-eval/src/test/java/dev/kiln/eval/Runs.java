package dev.kiln.eval;

import dev.kiln.testkit.TestData;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs of a small MLP on 40 digits rows (10 held out for testing), built from the config. */
final class Runs {

    private Runs() {}

    static KilnRun load(Path tmp, String engine, String... overrides) {
        Path digits = TestData.digits40(tmp.resolve("data"));
        List<String> all = new ArrayList<>();
        all.add("kiln.engine=" + engine);
        all.add("kiln.data.train.path=\"" + digits + "\"");
        all.add("kiln.data.train.test-fraction=0.25");
        all.add("kiln.solver.max-iter=25");
        all.add("kiln.solver.batch-size=8");
        all.add("kiln.model.hidden-sizes=[16]");
        all.add("kiln.writers=[]");
        all.add("kiln.output-dir=\"" + tmp.resolve("run") + "\"");
        all.addAll(List.of(overrides));
        return KilnRun.builder().overrides(all).load();
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
