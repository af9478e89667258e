package dev.kiln.core.optim;

import com.typesafe.config.Config;
import dev.kiln.optim.OptimizerProvider;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.KilnExtension;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The built-in optimizer {@code adam}: {@link Adam} with the settings of {@code kiln.solver}. */
@KilnExtension(
        name = "adam",
        description = "Adam, weight decay added to the gradient (kiln.solver)")
public final class AdamProvider implements OptimizerProvider {

    private final Config solver;

    /** @param kiln the whole {@code kiln} config */
    @Inject
    public AdamProvider(@Named("kiln") Config kiln) {
        this.solver = kiln.getConfig("solver");
    }

    @Override
    public StatefulOptimizer create() {
        return Adam.builder()
                .learningRate((float) solver.getDouble("base-lr"))
                .weightDecay((float) solver.getDouble("weight-decay"))
                .build();
    }
}
