package dev.kiln.core.optim;

import com.typesafe.config.Config;
import dev.kiln.optim.OptimizerProvider;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.KilnExtension;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The built-in optimizer {@code sgd}: {@link Sgd} with the settings of {@code kiln.solver}. */
@KilnExtension(
        name = "sgd",
        description = "SGD with momentum, Nesterov and weight decay (kiln.solver)")
public final class SgdProvider implements OptimizerProvider {

    private final Config solver;

    /** @param kiln the whole {@code kiln} config */
    @Inject
    public SgdProvider(@Named("kiln") Config kiln) {
        this.solver = kiln.getConfig("solver");
    }

    @Override
    public StatefulOptimizer create() {
        return Sgd.builder()
                .learningRate((float) solver.getDouble("base-lr"))
                .momentum((float) solver.getDouble("momentum"))
                .nesterov(solver.getBoolean("nesterov"))
                .weightDecay((float) solver.getDouble("weight-decay"))
                .build();
    }
}
