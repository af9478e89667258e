package dev.kiln.example;

import com.typesafe.config.Config;
import dev.kiln.optim.OptimizerProvider;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The optimizer {@code rmsprop} ({@code kiln.solver.optimizer = rmsprop}): {@link RmsProp} with the
 * learning rate and weight decay of {@code kiln.solver} and its own {@code alpha} and {@code eps}
 * from {@code kiln.rmsprop}.
 */
@KilnExtension(
        name = "rmsprop",
        description = "RMSprop (kiln.solver base-lr and weight-decay, kiln.rmsprop)")
public final class RmsPropProvider implements OptimizerProvider {

    private final float learningRate;
    private final float weightDecay;
    private final float alpha;
    private final float eps;

    /**
     * @param section {@code kiln.rmsprop}
     * @param kiln the whole {@code kiln} config, for {@code kiln.solver}
     */
    @Inject
    public RmsPropProvider(Config section, @Named("kiln") Config kiln) {
        Settings own = Settings.of(section, "kiln.rmsprop");
        Settings solver = Settings.of(kiln.getConfig("solver"), "kiln.solver");
        this.learningRate = (float) solver.greaterThan("base-lr", 0);
        this.weightDecay = (float) solver.doubleAtLeast("weight-decay", 0);
        this.alpha = (float) own.between("alpha", 0, 0.999999);
        this.eps = (float) own.greaterThan("eps", 0);
    }

    @Override
    public StatefulOptimizer create() {
        return new RmsProp(learningRate, alpha, eps, weightDecay);
    }
}
