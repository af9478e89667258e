package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.SettingsException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NormalizeTest {

    private static final NormalizeProvider PROVIDER = new NormalizeProvider();

    @Test
    void subtractsTheMeanAndDividesByTheStdOfEachChannel() {
        // channel 0: (v - 0.5) / 0.5 of [0.5, 1.0, 0, 0.25] = [0, 1, -1, -0.5]
        // channel 1: (v - 0.25) / 0.25 of [0.25, 0.75, 1.0, 0] = [0, 2, 3, -1]
        HostImage image = Images.of(2, 2, 2, 0.5f, 1f, 0f, 0.25f, 0.25f, 0.75f, 1f, 0f);
        float[] before = image.pixels().clone();
        ImageTransform normalize = Images.create(PROVIDER, "mean = [0.5, 0.25], std = [0.5, 0.25]");

        HostImage out = normalize.apply(image, new SplittableRandom(0));

        assertThat(out.shape()).isEqualTo(image.shape());
        assertThat(out.pixels()).containsExactly(0, 1, -1, -0.5f, 0, 2, 3, -1);
        assertThat(image.pixels()).containsExactly(before);
        assertThat(normalize.isRandom()).isFalse();
    }

    @Test
    void computesInFloatAsTorchvision() {
        // MNIST's mean and std, in float as torchvision's tensor.sub_(mean).div_(std)
        HostImage image = Images.of(1, 1, 3, 0f, 0.5f, 1f);

        HostImage out =
                Images.create(PROVIDER, "mean = [0.1307], std = [0.3081]")
                        .apply(image, new SplittableRandom(0));

        assertThat(out.pixels())
                .containsExactly(
                        (0f - 0.1307f) / 0.3081f,
                        (0.5f - 0.1307f) / 0.3081f,
                        (1f - 0.1307f) / 0.3081f);
        assertThat(out.pixels()[0]).isCloseTo(-0.4242f, org.assertj.core.data.Offset.offset(1e-4f));
    }

    @Test
    void aMeanOrStdForAnotherNumberOfChannelsIsRefusedByOutputShape() {
        ImageTransform normalize =
                Images.create(PROVIDER, "mean = [0.5, 0.5, 0.5], std = [0.2, 0.2, 0.2]");

        assertThat(normalize.outputShape(new ImageShape(3, 2, 2)))
                .isEqualTo(new ImageShape(3, 2, 2));
        assertThatThrownBy(() -> normalize.outputShape(new ImageShape(1, 28, 28)))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        Images.AT
                                + ".mean: has 3 values but the image has 1 channel; give one value"
                                + " per channel");
        assertThatThrownBy(() -> normalize.apply(Images.ramp(2, 1, 1), new SplittableRandom(0)))
                .hasMessageContaining("the image has 2 channels");
    }

    @Test
    void badListsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> Images.create(PROVIDER, "mean = [0.5], std = [0]"))
                .isInstanceOf(SettingsException.class)
                .hasMessage(Images.AT + ".std: every value must be greater than 0 but 0.0 is not");
        assertThatThrownBy(() -> Images.create(PROVIDER, "mean = [0.5, 0.5], std = [0.2]"))
                .hasMessage(
                        Images.AT
                                + ".std: has 1 value but mean has 2 values; give one of each per"
                                + " channel");
        assertThatThrownBy(() -> Images.create(PROVIDER, "mean = [], std = []"))
                .hasMessage(Images.AT + ".mean: must hold one value per channel but is empty");
        assertThatThrownBy(() -> Images.create(PROVIDER, "std = [1]"))
                .hasMessage(
                        Images.PATH
                                + ".mean: required value missing; it must be a list of numbers");
        assertThatThrownBy(() -> Images.create(PROVIDER, "mean = 0.5, std = [1]"))
                .hasMessageStartingWith(Images.AT + ".mean: must be a list of numbers but is");
    }
}
