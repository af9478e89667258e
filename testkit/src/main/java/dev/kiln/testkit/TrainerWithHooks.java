package dev.kiln.testkit;

import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.train.Hook;
import dev.kiln.train.LambdaHook;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DefaultTrainer} with a test's own hooks around the configured ones: {@code before}
 * right after the iteration timer (so before every hook of {@code kiln.hooks}), {@code after}
 * right before the periodic writer. For a plugin's tests that watch its hook from either side.
 */
public class TrainerWithHooks extends DefaultTrainer {

    private final List<Hook> before;
    private final List<Hook> after;

    /**
     * @param run the loaded run, such as {@link TestTrainer} loads
     * @param before hooks to run before the configured ones
     * @param after hooks to run after the configured ones
     */
    public TrainerWithHooks(KilnRun run, List<Hook> before, List<Hook> after) {
        super(run.config(), run.registry());
        this.before = List.copyOf(before);
        this.after = List.copyOf(after);
    }

    @Override
    protected List<Hook> buildHooks() {
        List<Hook> hooks = new ArrayList<>(super.buildHooks());
        hooks.addAll(hooks.size() - 1, after);
        hooks.addAll(1, before);
        return hooks;
    }

    /**
     * @param iteration the iteration after which to stop
     * @return a hook that asks the trainer to stop after that iteration, as a user's signal would
     */
    public static Hook stopAfter(long iteration) {
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
