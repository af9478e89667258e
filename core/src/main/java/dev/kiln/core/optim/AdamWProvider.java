package dev.kiln.core.optim;

import com.typesafe.config.Config;
import dev.kiln.optim.OptimizerProvider;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.KilnExtension;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The built-in optimizer {@code adamw}: {@link AdamW} with the settings of {@code kiln.solver}. */
@KilnExtension(name = "adamw", description = "AdamW, decoupled weight decay (kiln.solver)")
public final class AdamWProvider implements OptimizerProvider {

    private final Config solver;

    /** @param kiln the whole {@code kiln} config */
    @Inject
    public AdamWProvider(@Named("kiln") Config kiln) {
        this.solver = kiln.getConfig("solver");
    }

    @Override
    public StatefulOptimizer create() {
        return AdamW.builder()
                .learningRate((float) solver.getDouble("base-lr"))
                .weightDecay((float) solver.getDouble("weight-decay"))
                .build();
    }
}
