package dev.kiln.core.export;

import ai.djl.ndarray.types.Shape;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import dev.kiln.loss.OutputActivation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code model.json} of an exported model says: the model's config ({@code kiln.model}),
 * what it reads and predicts, which input reader reads its inputs, and where its parameters came
 * from. Written and read as JSON; {@code docs/export.md} describes every key.
 *
 * @param model the model's section, {@code kiln.model}, with its {@code type}
 * @param exampleShape the shape of one example, without the batch axis
 * @param outputs the number of values the model computes per example
 * @param activation how predictions read the outputs
 * @param inputReader the name of the input reader extension of {@code preprocessing.json}
 * @param engine the engine the run trained under
 * @param checkpoint the checkpoint the parameters were taken from
 * @param iteration the iteration that checkpoint was saved at
 * @param weights {@code trained}, or the name of the weights variant exported
 */
public record ExportManifest(
        Config model,
        Shape exampleShape,
        int outputs,
        OutputActivation activation,
        String inputReader,
        String engine,
        String checkpoint,
        long iteration,
        String weights) {

    /** The value of {@code format} in every {@code model.json}. */
    public static final String FORMAT = "kiln-model";

    /** The version of the layout this Kiln writes and reads. */
    public static final int VERSION = 1;

    /** The weights name of the parameters as training left them. */
    public static final String TRAINED = "trained";

    /** @return the manifest as formatted JSON */
    public String toJson() {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("engine", engine);
        source.put("checkpoint-name", checkpoint);
        source.put("iteration", iteration);
        source.put("weights", weights);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("example-shape", List.of(toLongs(exampleShape)));
        root.put("outputs", outputs);
        root.put("output-activation", activation.name().toLowerCase(Locale.ROOT));
        root.put("input-reader", inputReader);
        root.put("source", source);
        Config json =
                ConfigValueFactory.fromMap(root).toConfig().withValue("kiln.model", model.root());
        return json.root().render(ConfigRenderOptions.concise().setFormatted(true)) + "\n";
    }

    /**
     * Reads {@code model.json}.
     *
     * @param file the file
     * @return the manifest
     * @throws ExportException naming the file and what is wrong
     */
    public static ExportManifest read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ExportException(
                    file + " does not exist: not a model exported by kiln export");
        }
        try {
            Config json = parseJson(file);
            String format = json.getString("format");
            if (!FORMAT.equals(format) || json.getInt("version") != VERSION) {
                throw new ExportException(
                        file
                                + ": format "
                                + format
                                + " version "
                                + json.getInt("version")
                                + "; this Kiln reads "
                                + FORMAT
                                + " version "
                                + VERSION);
            }
            List<Long> dims = json.getLongList("example-shape");
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i);
            }
            Config source = json.getConfig("source");
            return new ExportManifest(
                    json.getConfig("kiln.model"),
                    new Shape(shape),
                    json.getInt("outputs"),
                    OutputActivation.valueOf(
                            json.getString("output-activation").toUpperCase(Locale.ROOT)),
                    json.getString("input-reader"),
                    source.getString("engine"),
                    source.getString("checkpoint-name"),
                    source.getLong("iteration"),
                    source.getString("weights"));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new ExportException(file + " is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * @param file a JSON file
     * @return its content
     * @throws ConfigException when it is not JSON
     */
    static Config parseJson(Path file) {
        return ConfigFactory.parseFile(
                file.toFile(),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON).setAllowMissing(false));
    }

    private static Long[] toLongs(Shape shape) {
        Long[] dims = new Long[shape.dimension()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i);
        }
        return dims;
    }
}
