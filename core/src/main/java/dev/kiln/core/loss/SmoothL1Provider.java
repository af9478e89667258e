package dev.kiln.core.loss;

import com.typesafe.config.Config;
import dev.kiln.loss.LossProvider;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.train.LossFunction;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The built-in loss {@code smooth-l1}: the smooth L1 loss, quadratic below {@code kiln.loss.beta}. */
@KilnExtension(name = "smooth-l1", description = "smooth L1, quadratic below beta")
public final class SmoothL1Provider implements LossProvider {

    private final LossFunction loss;

    /** @param kiln the whole {@code kiln} config, whose {@code loss} section holds the keys */
    @Inject
    public SmoothL1Provider(@Named("kiln") Config kiln) {
        Settings settings = Settings.of(kiln.getConfig("loss"), "kiln.loss");
        this.loss = Losses.smoothL1(settings.greaterThan("beta", 0));
    }

    @Override
    public LossFunction create() {
        return loss;
    }
}
