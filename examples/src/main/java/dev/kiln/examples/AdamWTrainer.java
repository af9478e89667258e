package dev.kiln.examples;

import ai.djl.nn.Block;
import dev.kiln.core.optim.AdamW;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.optim.StatefulOptimizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link DefaultTrainer} subclass, the way detectron2 users subclass theirs: everything comes
 * from the config, except the optimizer, which this trainer builds itself (AdamW with a tenth of
 * the configured base learning rate). Run it from the repository's root:
 *
 * <pre>
 * mvn -q -DskipTests install &amp;&amp; mvn -q -pl examples exec:java \
 *     -Dexec.mainClass=dev.kiln.examples.AdamWTrainer \
 *     -Dexec.args="examples/digits/digits-mlp.conf kiln.output-dir=output/adamw"
 * </pre>
 *
 * The first argument is the config file, the others are {@code KEY=VALUE} overrides.
 */
public class AdamWTrainer extends DefaultTrainer {

    /**
     * @param run the validated run
     */
    public AdamWTrainer(KilnRun run) {
        super(run.config(), run.registry());
    }

    @Override
    protected StatefulOptimizer buildOptimizer(Block model) {
        return AdamW.builder()
                .learningRate((float) config().baseLr() / 10)
                .weightDecay(0.01f)
                .build();
    }

    /**
     * Trains with the given config file and overrides.
     *
     * @param args the config file, then {@code KEY=VALUE} overrides
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        if (args.length == 0) {
            System.err.println("usage: AdamWTrainer CONFIG [KEY=VALUE ...]");
            System.exit(2);
        }
        List<String> overrides = Arrays.asList(args).subList(1, args.length);
        try (KilnRun run =
                        KilnRun.builder()
                                .configFiles(List.of(Path.of(args[0])))
                                .overrides(overrides)
                                .load();
                AdamWTrainer trainer = new AdamWTrainer(run)) {
            trainer.train();
        }
    }
}
