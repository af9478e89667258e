package dev.kiln.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.events.HistoryBuffer;
import dev.kiln.testkit.TestTrainer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The models selected by {@code kiln.model.type} train in a real run, on both engines. */
class ConfiguredRunTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "PyTorch | cnn | kiln.model.channels=[4, 8]",
                "MXNet | cnn | kiln.model.channels=[4, 8]",
                "PyTorch | resnet | kiln.model.width=4",
                "MXNet | resnet | kiln.model.width=4"
            })
    void trainsAsTheConfiguredModel(String engine, String type, String size) {
        HistoryBuffer loss =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(30)
                        .set("kiln.data.train.type", "tiny-images")
                        .set("kiln.solver.batch-size", 8)
                        .set("kiln.model.type", type)
                        .overrides(
                                size, "kiln.model.hidden-sizes=[16]", "kiln.model.small-input=true")
                        .train()
                        .history("total_loss");

        assertThat(loss.count()).isEqualTo(30);
        assertThat(loss.median(5)).isLessThan(loss.values()[0] / 2);
    }
}
