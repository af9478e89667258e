package dev.kiln.core.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.kiln.core.data.CsvInputReaderProvider;
import dev.kiln.core.model.Mlp;
import dev.kiln.loss.OutputActivation;
import dev.kiln.tensors.SafeTensors;
import dev.kiln.tensors.TensorData;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link KilnModel}: an export written with the export's own file formats loads under each engine
 * and predicts what the model computes; a damaged export is refused naming the file.
 */
class KilnModelTest {

    private static final int FEATURES = 3;
    private static final int CLASSES = 4;

    @TempDir Path tmp;

    @ParameterizedTest(name = "written under {0}, loaded under {1}")
    @CsvSource({"PyTorch,PyTorch", "PyTorch,MXNet", "MXNet,PyTorch"})
    void predictsTheProbabilitiesTheModelComputes(String written, String loaded) throws Exception {
        float[] row = {0.5f, -1f, 2f};
        float[] logits;
        try (Model model = Model.newInstance("m", written)) {
            Block mlp = mlp();
            model.setBlock(mlp);
            mlp.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, FEATURES));
            writeExport(tmp, mlp, written);
            NDManager manager = model.getNDManager();
            NDList out =
                    mlp.forward(
                            new ParameterStore(manager, false),
                            new NDList(manager.create(row, new Shape(1, FEATURES))),
                            false);
            logits = out.singletonOrThrow().toFloatArray();
        }
        double[] expected = softmax(logits);

        try (KilnModel model = KilnModel.builder(tmp).engine(loaded).load();
                Predictor<String, Classifications> predictor = model.newPredictor();
                Predictor<String, float[]> values = model.newValuePredictor()) {
            Classifications result = predictor.predict("0.5, -1, 2");
            for (int c = 0; c < CLASSES; c++) {
                assertThat(result.get("class-" + c).getProbability())
                        .isCloseTo(expected[c], offset(1e-6));
            }
            float[] raw = values.predict("0.5,-1,2");
            assertThat(raw).containsExactly(logits, offset(1e-5f));
            assertThat(model.classNames())
                    .containsExactly("class-0", "class-1", "class-2", "class-3");
            assertThat(model.manifest().engine()).isEqualTo(written);
        }
    }

    @Test
    void aDamagedExportIsRefusedNamingTheFile() throws Exception {
        try (Model model = Model.newInstance("m", "PyTorch")) {
            Block mlp = mlp();
            model.setBlock(mlp);
            mlp.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, FEATURES));
            writeExport(tmp, mlp, "PyTorch");
        }
        Path synset = tmp.resolve(ModelExporter.SYNSET_FILE);
        Files.write(synset, List.of("a", "b"));
        assertThatThrownBy(() -> KilnModel.load(tmp))
                .isInstanceOf(ExportException.class)
                .hasMessage(synset + " names 2 classes, but the model has 4 outputs");

        Files.delete(synset);
        assertThatThrownBy(() -> KilnModel.load(tmp))
                .isInstanceOf(ExportException.class)
                .hasMessageStartingWith("cannot read " + synset);

        Path parameters = tmp.resolve(ModelExporter.PARAMETERS_FILE);
        Files.write(parameters, new byte[] {1, 2, 3});
        Files.write(synset, List.of("a", "b", "c", "d"));
        assertThatThrownBy(() -> KilnModel.load(tmp))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining(parameters.toString());

        Path manifest = tmp.resolve(ModelExporter.MANIFEST_FILE);
        Files.writeString(
                manifest, Files.readString(manifest).replace("\"version\" : 1", "\"version\" : 7"));
        assertThatThrownBy(() -> KilnModel.load(tmp))
                .isInstanceOf(ExportException.class)
                .hasMessage(
                        manifest
                                + ": format kiln-model version 7; this Kiln reads kiln-model"
                                + " version 1");

        assertThatThrownBy(() -> KilnModel.load(tmp.resolve("nothing")))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining("is not a directory made by kiln export");
    }

    @Test
    void theManifestSurvivesItsJson() throws Exception {
        ExportManifest manifest = manifest("MXNet");
        Path file = Files.writeString(tmp.resolve("model.json"), manifest.toJson());

        ExportManifest read = ExportManifest.read(file);

        assertThat(read.toJson()).isEqualTo(manifest.toJson());
        assertThat(read.exampleShape()).isEqualTo(new Shape(FEATURES));
        assertThat(read.activation()).isEqualTo(OutputActivation.SOFTMAX);
        assertThat(read.model().getIntList("hidden-sizes")).containsExactly(8);
    }

    private static Block mlp() {
        return Mlp.builder().hiddenSizes(List.of(8)).activation("relu").outputSize(CLASSES).build();
    }

    private static ExportManifest manifest(String engine) {
        return new ExportManifest(
                ConfigFactory.parseString(
                        "type = mlp, hidden-sizes = [8], activation = relu, dropout = 0"),
                new Shape(FEATURES),
                CLASSES,
                OutputActivation.SOFTMAX,
                CsvInputReaderProvider.NAME,
                engine,
                "model_final",
                100,
                ExportManifest.TRAINED);
    }

    /** Writes the files {@link ModelExporter} writes, for a model built here. */
    private static void writeExport(Path dir, Block block, String engine) throws Exception {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            tensors.put(p.getKey(), TensorData.of(p.getValue().getArray()));
        }
        try (FileChannel out =
                FileChannel.open(
                        dir.resolve(ModelExporter.PARAMETERS_FILE),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            SafeTensors.write(tensors, Map.of(), out);
        }
        Files.writeString(dir.resolve(ModelExporter.MANIFEST_FILE), manifest(engine).toJson());
        String settings =
                ConfigFactory.parseString(
                                "delimiter = \",\", header = false, scaling { method = none,"
                                        + " shift = [0, 0, 0], scale = [1, 1, 1] }")
                        .root()
                        .render(ConfigRenderOptions.concise());
        Files.writeString(
                dir.resolve(ModelExporter.PREPROCESSING_FILE),
                "{\"reader\": \"csv\", \"settings\": " + settings + "}");
        Files.write(
                dir.resolve(ModelExporter.SYNSET_FILE),
                List.of("class-0", "class-1", "class-2", "class-3"));
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
