package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kiln.data.DataRole;
import dev.kiln.data.HostTable;
import dev.kiln.data.LoadedData;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticBlobsTest {

    @TempDir Path tmp;

    private static final Config DEFAULTS =
            ConfigFactory.parseString(
                    "classes = 3, features = 2, examples-per-class = 100,"
                            + " test-examples-per-class = 20, spread = 1.0, center-box = 10.0,"
                            + " seed = 0");

    private static final Config KILN = ConfigFactory.parseString("solver.batch-size = 16");

    private static LoadedData load(String section, DataRole role) {
        return new SyntheticBlobsProvider(DEFAULTS, KILN)
                .load(ConfigFactory.parseString(section), role);
    }

    private static float[] rows(HostTable table) {
        float[] all = new float[table.rowCount() * table.featureCount()];
        for (int r = 0; r < table.rowCount(); r++) {
            table.copyFeatures(r, all, r * table.featureCount());
        }
        return all;
    }

    /** The mean of one class's points on each feature. */
    private static double[] classMean(HostTable table, int label) {
        double[] mean = new double[table.featureCount()];
        float[] row = new float[table.featureCount()];
        int n = 0;
        for (int r = 0; r < table.rowCount(); r++) {
            if (table.label(r) == label) {
                table.copyFeatures(r, row, 0);
                for (int f = 0; f < row.length; f++) {
                    mean[f] += row[f];
                }
                n++;
            }
        }
        for (int f = 0; f < mean.length; f++) {
            mean[f] /= n;
        }
        return mean;
    }

    @Test
    void trainingDataHoldsOutTestPointsAroundTheSameCenters() {
        LoadedData data = load("type = synthetic-blobs, classes = 4, features = 3", DataRole.TRAIN);

        HostTable train = (HostTable) data.examples();
        HostTable test = (HostTable) data.heldOut().orElseThrow();
        assertThat(data.classCount()).isEqualTo(4);
        assertThat(data.exampleShape().getShape()).containsExactly(3);
        assertThat(train.rowCount()).isEqualTo(400);
        assertThat(test.rowCount()).isEqualTo(80);
        assertThat(rows(train)).isNotEqualTo(rows(test));
        for (int label = 0; label < 4; label++) {
            double[] a = classMean(train, label);
            double[] b = classMean(test, label);
            for (int f = 0; f < 3; f++) {
                // means of 100 and 20 points of unit spread: within 1 of each other
                assertThat(Math.abs(a[f] - b[f])).isLessThan(1.0);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSamePointsAndAnotherSeedOthers() {
        float[] a = rows((HostTable) load("type = synthetic-blobs", DataRole.TRAIN).examples());
        float[] b = rows((HostTable) load("type = synthetic-blobs", DataRole.TRAIN).examples());
        float[] c =
                rows(
                        (HostTable)
                                load("type = synthetic-blobs, seed = 1", DataRole.TRAIN)
                                        .examples());

        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void asATestSetItIsTheTestPointsOfTheTrainingData() {
        LoadedData train = load("type = synthetic-blobs", DataRole.TRAIN);
        LoadedData test = load("type = synthetic-blobs", DataRole.TEST);

        assertThat(test.heldOut()).isEmpty();
        assertThat(rows((HostTable) test.examples()))
                .isEqualTo(rows((HostTable) train.heldOut().orElseThrow()));
    }

    @Test
    void noTestPointsMeansNoHeldOutData() {
        LoadedData data =
                load("type = synthetic-blobs, test-examples-per-class = 0", DataRole.TRAIN);

        assertThat(data.heldOut()).isEmpty();
    }

    @Test
    void aBadSettingNamesTheKey() {
        assertThatThrownBy(() -> load("type = synthetic-blobs, classes = 1", DataRole.TRAIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "kiln.data.train.classes: must be a whole number at least 2" + " but is 1");
        assertThatThrownBy(() -> load("type = synthetic-blobs, spread = 0", DataRole.TRAIN))
                .hasMessageContaining("kiln.data.train.spread: must be a number greater than 0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aResidualMlpLearnsTheBlobs(String engine) {
        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(80)
                        .set("kiln.data.train.type", "synthetic-blobs")
                        .set("kiln.data.train.classes", 4)
                        .set("kiln.model.type", "residual-mlp")
                        .set("kiln.model.width", 16)
                        .set("kiln.solver.base-lr", 0.01)
                        .train();

        double first = run.history("total_loss").values()[0];
        assertThat(run.history("total_loss").median(10)).isLessThan(first / 4);
    }

    @Test
    void theTrainerTakesTheDefaultsFromThePluginsSection() {
        TrainedRun run =
                TestTrainer.in(tmp)
                        .iterations(1)
                        .set("kiln.data.train.type", "synthetic-blobs")
                        .set("kiln.synthetic-blobs.features", 5)
                        .hook(new dev.kiln.train.HookBase() {})
                        .train();

        assertThat(run.config().config().getInt("kiln.synthetic-blobs.classes")).isEqualTo(3);
        assertThat(run.config().trainData().hasPath("features")).isFalse();
    }

    @Test
    void aBadValueSetByAnOverrideIsReportedWithItsOrigin() {
        assertThatThrownBy(
                        () ->
                                TestTrainer.in(tmp)
                                        .set("kiln.data.train.type", "synthetic-blobs")
                                        .set("kiln.data.train.classes", "many")
                                        .train())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "command line override 2: kiln.data.train.classes: must be a whole number"
                                + " at least 2 but is \"many\"");
    }
}
