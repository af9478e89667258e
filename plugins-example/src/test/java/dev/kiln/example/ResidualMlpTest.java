package dev.kiln.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.kiln.spi.SettingsException;
import dev.kiln.testkit.TestTrainer;
import dev.kiln.testkit.TrainedRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResidualMlpTest {

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void hasTheLayersItsSettingsSayAndMapsABatchToOneScorePerClass(String engine) {
        try (NDManager manager = Engine.getEngine(engine).newBaseManager()) {
            Block model = ResidualMlp.build(8, 3, 5);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 4));

            long count = 0;
            for (Pair<String, Parameter> p : model.getParameters()) {
                count += p.getValue().getArray().size();
            }
            // input projection 4->8, three blocks of two 8->8 layers, output 8->5
            assertThat(count).isEqualTo((4 * 8 + 8) + 3 * 2 * (8 * 8 + 8) + (8 * 5 + 5));
            NDArray x = manager.randomNormal(new Shape(2, 4));
            NDList out = model.forward(new ParameterStore(manager, false), new NDList(x), false);
            assertThat(out.singletonOrThrow().getShape()).isEqualTo(new Shape(2, 5));
            assertThat(model.getOutputShapes(new Shape[] {new Shape(2, 4)}))
                    .containsExactly(new Shape(2, 5));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainsAsTheConfiguredModel(String engine) {
        TrainedRun run =
                TestTrainer.in(tmp)
                        .engine(engine)
                        .iterations(60)
                        .set("kiln.model.type", "residual-mlp")
                        .set("kiln.model.width", 16)
                        .train();

        double first = run.history("total_loss").values()[0];
        assertThat(run.history("total_loss").median(10)).isLessThan(first / 4);
    }

    @Test
    void keysNextToTheTypeWinOverThePluginsDefaults() {
        ResidualMlpProvider provider =
                new ResidualMlpProvider(
                        com.typesafe.config.ConfigFactory.parseString("width = 64, blocks = 2"),
                        com.typesafe.config.ConfigFactory.parseString(
                                "model { type = residual-mlp, blocks = 5 }"));

        assertThat(provider.width()).isEqualTo(64);
        assertThat(provider.blocks()).isEqualTo(5);
    }

    @Test
    void aBadWidthNamesTheKeyAndWhereItWasSet() {
        assertThatThrownBy(
                        () ->
                                TestTrainer.in(tmp)
                                        .set("kiln.model.type", "residual-mlp")
                                        .override("kiln.model.width = wide")
                                        .train())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(
                        "kiln.model.width: must be a whole number at least 1 but is \"wide\"");
    }

    @Test
    void aKeyOfTheResidualMlpIsUnknownToTheBuiltInMlp() {
        assertThatThrownBy(() -> TestTrainer.in(tmp).set("kiln.model.width", 16).train())
                .hasMessageContaining("kiln.model.width");
    }
}
