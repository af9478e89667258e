package dev.kiln.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import dev.kiln.data.DataFormatException;
import dev.kiln.data.image.ImageShape;
import dev.kiln.spi.SettingsException;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxDatasetTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsImagesAndLabelsGzippedOrNot(boolean gzip) throws IOException {
        byte[] pixels = {0, (byte) 255, 51, 102, 10, 20, 30, 40};
        Path images = IdxTestFiles.write(tmp.resolve("i"), gzip, new int[] {2, 2, 2}, pixels);
        Path labels = IdxTestFiles.write(tmp.resolve("l"), gzip, new int[] {2}, new byte[] {3, 7});

        IdxDataset data = IdxDataset.read(images, labels, 2, false);

        assertThat(data.rowCount()).isEqualTo(2);
        assertThat(data.featureCount()).isEqualTo(4);
        assertThat(data.imageShape()).isEqualTo(new ImageShape(1, 2, 2));
        assertThat(data.exampleShape()).isEqualTo(new Shape(1, 2, 2));
        assertThat(data.classCount()).isEqualTo(8);
        float[] row = new float[6];
        data.copyFeatures(0, row, 1);
        float scale = 1f / 255f;
        assertThat(row).containsExactly(0f, 0f, 255 * scale, 51 * scale, 102 * scale, 0f);
        assertThat(data.label(1)).isEqualTo(7f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aRecordIsTheScaledPixelsAndTheLabel(String engine) throws IOException {
        Path images = IdxTestFiles.halves(tmp, "r", 4, 1);
        IdxDataset data = IdxDataset.read(images, tmp.resolve("r-labels.gz"), 2, false);
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Record record = data.get(manager, 3);
            float[] expected = new float[16];
            data.copyFeatures(3, expected, 0);
            assertThat(record.getData().singletonOrThrow().toFloatArray())
                    .containsExactly(expected);
            assertThat(record.getLabels().singletonOrThrow().getFloat()).isEqualTo(1f);
        }
    }

    @Test
    void filesThatDoNotFitTogetherNameTheFile() throws IOException {
        Path images =
                IdxTestFiles.write(tmp.resolve("images"), false, new int[] {3, 2, 2}, new byte[12]);
        Path twoLabels =
                IdxTestFiles.write(tmp.resolve("labels"), false, new int[] {2}, new byte[2]);
        Path truncated =
                IdxTestFiles.write(tmp.resolve("short"), true, new int[] {3, 2, 2}, new byte[7]);
        Path notIdx = Files.writeString(tmp.resolve("notes.txt"), "label,pixel\n");

        assertThatThrownBy(() -> IdxDataset.read(images, twoLabels, 2, false))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(twoLabels + ":1: holds 2 labels but " + images + " holds 3 images");
        assertThatThrownBy(() -> IdxDataset.read(truncated, twoLabels, 2, false))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        truncated
                                + ":1: the file ends before the 12 values its dimensions [3, 2, 2]"
                                + " say");
        assertThatThrownBy(() -> IdxDataset.read(notIdx, twoLabels, 2, false))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        notIdx + ":1: not an IDX file: it does not begin with an IDX magic number");
        assertThatThrownBy(() -> IdxDataset.read(twoLabels, images, 2, false))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("images need 3 dimensions (count, height, width)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsAndEvaluatesAsTheConfiguredDataset(String engine) throws IOException {
        Path train = IdxTestFiles.halves(tmp, "train", 200, 1);
        Path test = IdxTestFiles.halves(tmp, "test", 40, 2);

        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(60)
                        .set("kiln.data.train.type", "idx")
                        .set("kiln.data.train.images", train.toString())
                        .set("kiln.data.train.labels", tmp.resolve("train-labels.gz").toString())
                        .set("kiln.data.test.type", "idx")
                        .set("kiln.data.test.images", test.toString())
                        .set("kiln.data.test.labels", tmp.resolve("test-labels.gz").toString())
                        .train();

        double first = run.history("total_loss").values()[0];
        assertThat(run.history("total_loss").median(10)).isLessThan(first / 4);
    }

    @Test
    void aMissingFileNamesItsKey() throws IOException {
        Path train = IdxTestFiles.halves(tmp, "train", 10, 1);

        assertThatThrownBy(
                        () ->
                                TestTrainer.in(tmp)
                                        .set("kiln.data.train.type", "idx")
                                        .set("kiln.data.train.images", train.toString())
                                        .set("kiln.data.train.labels", "nope.gz")
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("kiln.data.train.labels: no such file: ")
                .hasMessageEndingWith("nope.gz");
        assertThatThrownBy(
                        () ->
                                TestTrainer.in(tmp)
                                        .set("kiln.data.train.type", "idx")
                                        .set("kiln.data.train.images", train.toString())
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessage("kiln.data.train.labels: required value missing; it must be a string");
    }
}
