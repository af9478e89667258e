package dev.kiln.images.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.data.image.ImageTransform;
import dev.kiln.spi.Settings;
import dev.kiln.spi.SettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformListTest {

    private static final String KNOWN =
            "known: center-crop, normalize, random-crop, random-flip, random-resized-crop, resize";

    @TempDir Path tmp;

    private Path file;

    /** Writes {@code kiln.data.train { ... }} to a file, its first line {@code kiln.data.train {}. */
    private Settings train(String body) throws IOException {
        file = Files.writeString(tmp.resolve("train.conf"), "kiln.data.train {\n" + body + "\n}\n");
        return Settings.of(
                ConfigFactory.parseFile(file.toFile()).getConfig("kiln.data.train"),
                "kiln.data.train");
    }

    private TransformList list(String body) throws IOException {
        return TransformList.create(train(body), "transforms", MapExtensions.ofPlugin());
    }

    @Test
    void aListKeepsItsConfigEntriesAndDropsThoseOfItsRandomSteps() throws IOException {
        TransformList list =
                list(
                        "transforms = [{ type = random-crop, size = 4, padding = 1 },"
                                + " { type = resize, size = [6, 8] },"
                                + " { type = random-flip, p = 1 },"
                                + " { type = normalize, mean = [0.5], std = [0.25] }]");

        assertThat(list.entries().orElseThrow().stream().map(e -> e.get("type")))
                .containsExactly("random-crop", "resize", "random-flip", "normalize");
        TransformList fixed = list.withoutRandomSteps();
        assertThat(fixed.isRandom()).isFalse();
        assertThat(fixed.steps()).hasSize(2);
        assertThat(fixed.entries().orElseThrow())
                .containsExactly(
                        Map.of("type", "resize", "size", List.of(6, 8)),
                        Map.of("type", "normalize", "mean", List.of(0.5), "std", List.of(0.25)));
        assertThat(TransformList.of(fixed.steps()).entries()).isEmpty();
    }

    @Test
    void anEmptyOrAbsentListIsTheIdentity() throws IOException {
        HostImage image = Images.ramp(1, 2, 2);

        for (String body : new String[] {"transforms = []", "type = idx", "transforms = null"}) {
            TransformList transforms = list(body);
            assertThat(transforms.isEmpty()).isTrue();
            assertThat(transforms.isRandom()).isFalse();
            assertThat(transforms.outputShape(image.shape())).isEqualTo(image.shape());
            assertThat(transforms.apply(image, 42L)).isSameAs(image);
        }
    }

    @Test
    void shapesChainThroughTheStepsAndApplyMakesThem() throws IOException {
        TransformList transforms =
                list(
                        """
                        transforms = [
                          { type = resize, size = 16 }
                          { type = center-crop, size = [16, 20] }
                          { type = random-crop, size = 12, padding = 2 }
                          { type = random-flip }
                          { type = normalize, mean = [0.5, 0.5, 0.5], std = [0.25, 0.25, 0.25] }
                        ]""");

        // 3x32x48 -> resize 16 (shorter side): 3x16x24 -> center-crop: 3x16x20 -> random-crop:
        // 3x12x12
        assertThat(transforms.steps()).hasSize(5);
        assertThat(transforms.outputShape(new ImageShape(3, 32, 48)))
                .isEqualTo(new ImageShape(3, 12, 12));
        assertThat(transforms.apply(Images.ramp(3, 32, 48), 7L).shape())
                .isEqualTo(new ImageShape(3, 12, 12));
        assertThat(transforms.isRandom()).isTrue();
        assertThat(list("transforms = [{ type = resize, size = 4 }]").isRandom()).isFalse();
    }

    @Test
    void everyStepDrawsFromOneGeneratorMadeFromTheSeed() throws IOException {
        TransformList transforms =
                list(
                        """
                        transforms = [
                          { type = random-crop, size = 3, padding = 1 }
                          { type = random-flip, direction = vertical }
                          { type = random-flip }
                        ]""");
        HostImage image = Images.ramp(2, 4, 5);
        float[] before = image.pixels().clone();
        java.util.Set<java.util.List<Float>> outcomes = new java.util.HashSet<>();

        for (long seed = 0; seed < 50; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            HostImage expected = image;
            for (ImageTransform step : transforms.steps()) {
                expected = step.apply(expected, random);
            }
            HostImage out = transforms.apply(image, seed);
            assertThat(out.pixels()).containsExactly(expected.pixels());
            assertThat(transforms.apply(image, seed).pixels()).containsExactly(out.pixels());
            java.util.List<Float> values = new java.util.ArrayList<>();
            for (float v : out.pixels()) {
                values.add(v);
            }
            outcomes.add(values);
        }

        assertThat(outcomes).as("different seeds, different images").hasSizeGreaterThan(20);
        assertThat(image.pixels()).containsExactly(before);
    }

    @Test
    void anUnknownTypeIsRefusedAtItsLineWithTheClosestSuggested() throws IOException {
        assertThatThrownBy(
                        () ->
                                list(
                                        """
                                        transforms = [
                                          { type = resize, size = 16 }
                                          { type = random-flp }
                                        ]"""))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        file
                                + ":4: kiln.data.train.transforms[1].type: unknown transform type"
                                + " \"random-flp\"; did you mean random-flip?; "
                                + KNOWN);
        assertThatThrownBy(() -> list("transforms = [{ type = sharpen }]"))
                .hasMessage(
                        file
                                + ":2: kiln.data.train.transforms[0].type: unknown transform type"
                                + " \"sharpen\"; "
                                + KNOWN);
    }

    @Test
    void anUnknownKeyIsRefusedWithTheValidOnes() throws IOException {
        assertThatThrownBy(
                        () ->
                                list(
                                        """
                                        transforms = [
                                          { type = random-crop, size = 24, pading = 4 }
                                        ]"""))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        file
                                + ":3: kiln.data.train.transforms[0].pading: unknown key; valid"
                                + " keys: padding, size, type; did you mean padding?");
    }

    @Test
    void aBadValueIsReportedAtItsFileLineAndKey() throws IOException {
        assertThatThrownBy(
                        () ->
                                list(
                                        """
                                        transforms = [
                                          { type = random-flip
                                            p = 2 }
                                        ]"""))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        file
                                + ":4: kiln.data.train.transforms[0].p: must be a number in [0.0,"
                                + " 1.0] but is 2");
    }

    @Test
    void aNormalizeForAnotherNumberOfChannelsIsRefusedByOutputShape() throws IOException {
        TransformList transforms =
                list(
                        """
                        transforms = [
                          { type = resize, size = [8, 8] }
                          { type = normalize, mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225] }
                        ]""");

        assertThat(transforms.outputShape(new ImageShape(3, 28, 28)))
                .isEqualTo(new ImageShape(3, 8, 8));
        assertThatThrownBy(() -> transforms.outputShape(new ImageShape(1, 28, 28)))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        file
                                + ":4: kiln.data.train.transforms[1].mean: has 3 values but the"
                                + " image has 1 channel; give one value per channel");
    }

    @Test
    void aCropLargerThanWhatThePreviousStepsMakeIsRefusedByOutputShape() throws IOException {
        TransformList transforms =
                list(
                        """
                        transforms = [
                          { type = resize, size = [8, 8] }
                          { type = center-crop, size = 10 }
                        ]""");

        // the 28x28 input is large enough; the 8x8 the resize makes is not
        assertThatThrownBy(() -> transforms.outputShape(new ImageShape(1, 28, 28)))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        file
                                + ":4: kiln.data.train.transforms[1].size: a 10x10 crop does not"
                                + " fit in a 8x8 image (center-crop does not pad; resize first)");
    }

    @Test
    void somethingOtherThanAListOfTypedObjectsIsRefused() throws IOException {
        assertThatThrownBy(() -> list("transforms = random-flip"))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        file
                                + ":2: kiln.data.train.transforms: must be a list of transforms,"
                                + " each an object with a type, such as [{ type = random-flip }],"
                                + " but is \"random-flip\"");
        assertThatThrownBy(() -> list("transforms = [random-flip]"))
                .hasMessage(
                        file
                                + ":2: kiln.data.train.transforms[0]: must be an object with a"
                                + " type, such as { type = random-flip }, but is \"random-flip\"");
        assertThatThrownBy(() -> list("transforms = [\n  { size = 3 }\n]"))
                .hasMessage(
                        file
                                + ":3: kiln.data.train.transforms[0].type: required value missing;"
                                + " it must be the name of a transform: "
                                + KNOWN.substring("known: ".length()));
    }
}
