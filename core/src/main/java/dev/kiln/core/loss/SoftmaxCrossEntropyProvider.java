package dev.kiln.core.loss;

import com.typesafe.config.Config;
import dev.kiln.loss.LossProvider;
import dev.kiln.loss.OutputActivation;
import dev.kiln.spi.KilnExtension;
import dev.kiln.spi.Settings;
import dev.kiln.train.LossFunction;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The built-in loss {@code softmax-cross-entropy}: softmax cross-entropy over class scores, with optional label smoothing ({@code kiln.loss.label-smoothing}). */
@KilnExtension(
        name = "softmax-cross-entropy",
        description = "softmax cross-entropy over class scores (label-smoothing)")
public final class SoftmaxCrossEntropyProvider implements LossProvider {

    private final LossFunction loss;

    /** @param kiln the whole {@code kiln} config, whose {@code loss} section holds the keys */
    @Inject
    public SoftmaxCrossEntropyProvider(@Named("kiln") Config kiln) {
        Settings settings = Settings.of(kiln.getConfig("loss"), "kiln.loss");
        this.loss = Losses.softmaxCrossEntropy(settings.fraction("label-smoothing"));
    }

    @Override
    public LossFunction create() {
        return loss;
    }

    @Override
    public OutputActivation outputActivation() {
        return OutputActivation.SOFTMAX;
    }
}
