package dev.kiln.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.core.run.KilnRun;
import dev.kiln.spi.SettingsException;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.train.LambdaHook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the models read their keys (next to the type, then {@code kiln.cnn} / {@code kiln.resnet})
 * and refuse bad values: a {@link SettingsException} naming the key and where it was written,
 * when the model is built, before training.
 */
class ModelSettingsTest {

    @TempDir Path tmp;

    @Test
    void anEvenKernelAndADepthOf20NameTheirKeysAndWhereTheyWereSet() throws Exception {
        Path conf = tmp.resolve("resnet.conf");
        Files.writeString(conf, "kiln.model {\n  type = resnet\n  depth = 20\n}\n");

        assertThatThrownBy(
                        () ->
                                images().set("kiln.model.type", "cnn")
                                        .set("kiln.model.kernel", 4)
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessageMatching(
                        "command line override \\d+: kiln\\.model\\.kernel: must be odd, for"
                                + " 'same' padding on both sides, but is 4");
        assertThatThrownBy(() -> images().configFile(conf).train())
                .isInstanceOf(SettingsException.class)
                .hasMessage(conf + ":3: kiln.model.depth: must be 18, 34 or 50 but is 20");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "cnn | kiln.model.channels = [] | kiln.model.channels: must be a list of whole"
                        + " numbers at least 1 (one conv block per entry) but is empty",
                "cnn | kiln.model.channels = [8, 0] | kiln.model.channels: must be a list of whole"
                        + " numbers at least 1 (one conv block per entry) but holds 0",
                "cnn | kiln.model.channels = [2.5] | kiln.model.channels: must be a list of whole"
                        + " numbers at least 1 (one conv block per entry) but holds 2.5",
                "cnn | kiln.model.hidden-sizes = [16, 0] | kiln.model.hidden-sizes: must be a list"
                        + " of whole numbers at least 1 (one dense layer per entry) but holds 0",
                "cnn | kiln.model.kernel = 0 | kiln.model.kernel: must be a whole number at least"
                        + " 1 but is 0",
                "cnn | kiln.model.dropout = 1.0 | kiln.model.dropout: must be a number in [0, 1)"
                        + " but is 1",
                "cnn | kiln.model.pool = sometimes | kiln.model.pool: must be true or false but is"
                        + " \"sometimes\"",
                "resnet | kiln.model.width = 0 | kiln.model.width: must be a whole number at least"
                        + " 1 but is 0",
                "resnet | kiln.model.small-input = 28 | kiln.model.small-input: must be true or"
                        + " false but is 28"
            })
    void aBadValueIsRefusedBeforeTraining(String type, String setting, String message) {
        AtomicBoolean trained = new AtomicBoolean();

        assertThatThrownBy(
                        () ->
                                images().set("kiln.model.type", type)
                                        .override(setting)
                                        .hook(
                                                LambdaHook.builder()
                                                        .beforeTrain(t -> trained.set(true))
                                                        .build())
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessageEndingWith(message);
        assertThat(trained).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"cnn", "resnet"})
    void flatExamplesAreRefusedNamingTheModelTypeAndTheShapeTheyHave(String type) {
        // the kit's own data: rows of 4 features
        assertThatThrownBy(() -> TestTrainer.in(tmp).set("kiln.model.type", type).train())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(
                        "kiln.model.type: "
                                + type
                                + " needs image-shaped examples (channels, height, width), as the"
                                + " image datasets of kiln-data-images give them, but the training"
                                + " data's examples have shape (4)");
    }

    @Test
    void imagesSmallerThanTheDownsamplingAreRefusedNamingTheKeyThatShrinksThem() {
        assertThatThrownBy(
                        () ->
                                images().set("kiln.model.type", "cnn")
                                        .set("kiln.model.channels", List.of(4, 4, 4, 4))
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(
                        "kiln.cnn.pool: true halves the height and width in each of the 4 conv"
                                + " blocks (channels), which needs images of at least 16x16"
                                + " pixels, but they are 1x12x12");
        assertThatThrownBy(
                        () ->
                                images().set("kiln.model.type", "resnet")
                                        .set("kiln.model.small-input", false)
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("kiln.model.small-input: false shrinks images 32 times")
                .hasMessageContaining("at least 32x32 pixels, but they are 1x12x12");
    }

    @Test
    void theMlpsDefaultsInKilnModelDoNotReplaceTheCnnsOwn() {
        Config reference = ConfigFactory.defaultReference();
        CnnProvider defaults = cnn("kiln.model.type = cnn");
        CnnProvider set =
                cnn(
                        "kiln.model.type = cnn",
                        "kiln.model.hidden-sizes = [256, 256]",
                        "kiln.model.kernel = 5");

        // core's reference.conf holds kiln.model.hidden-sizes = [256, 256] for the mlp
        assertThat(reference.getIntList("kiln.model.hidden-sizes")).containsExactly(256, 256);
        assertThat(defaults.cnn())
                .isEqualTo(new Cnn(List.of(32, 64), 3, true, true, List.of(128), 0f));
        assertThat(set.cnn().hiddenSizes()).containsExactly(256, 256);
        assertThat(set.cnn().kernel()).isEqualTo(5);
        assertThat(set.cnn().channels()).containsExactly(32, 64);
    }

    @Test
    void theResNetsDefaultsAreThoseOfReferenceConf() {
        Config kiln = kiln("kiln.model.type = resnet", "kiln.model.width = 16");
        ResNetProvider provider = new ResNetProvider(kiln.getConfig("resnet"), kiln);

        assertThat(provider.resnet()).isEqualTo(new ResNet(18, 16, false));
    }

    private static CnnProvider cnn(String... overrides) {
        Config kiln = kiln(overrides);
        return new CnnProvider(kiln.getConfig("cnn"), kiln);
    }

    /** The {@code kiln} tree as Kiln loads it, with the reference configs and the overrides. */
    private static Config kiln(String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of(overrides));
        all.add("kiln.data.train.path = unused.csv");
        try (KilnRun run = KilnRun.builder().overrides(all).load()) {
            return run.config().config().getConfig("kiln");
        }
    }

    private TestTrainer images() {
        return TestTrainer.in(tmp).set("kiln.data.train.type", "tiny-images").iterations(2);
    }
}
