package dev.kiln.cli;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.translate.TranslateException;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.core.config.KilnConfigException;
import dev.kiln.core.export.ExportException;
import dev.kiln.core.export.KilnModel;
import dev.kiln.core.plugin.PluginException;
import dev.kiln.core.runtime.Engines;
import dev.kiln.loss.OutputActivation;
import dev.kiln.predict.InputException;
import dev.kiln.predict.NamedInput;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kiln predict}: loads a model {@code kiln export} wrote and prints the prediction for
 * each input, in the order given: the top classes with their probabilities, or the values of a
 * regression. With {@code --json}, one JSON object per line. Every input is read and checked
 * before the first prediction is printed; the log goes to standard error, so standard output holds
 * only predictions.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Predict with an exported model: CSV rows or files, image files or folders.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.DONE, ExitCodes.FAILED, ExitCodes.BAD_INPUT})
final class PredictCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "DIR",
            description = "a directory kiln export wrote")
    Path model;

    @Option(
            names = "--engine",
            paramLabel = "NAME",
            description = "PyTorch or MXNet (default: the engine the model was trained under)")
    String engine;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            defaultValue = "5",
            description = "how many classes to print per input, best first (default 5)")
    int topK;

    @Option(names = "--json", description = "print one JSON object per input and line")
    boolean json;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "64",
            description = "inputs per forward pass (default 64)")
    int batchSize;

    @Mixin PluginOptions plugins = new PluginOptions();

    @Parameters(
            arity = "1..*",
            paramLabel = "INPUT",
            description =
                    "a CSV file of feature rows, one row of feature cells, an image file or a"
                            + " folder of images")
    List<String> arguments = new ArrayList<>();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (topK < 1) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT, "--top-k must be at least 1, got " + topK, null);
        }
        if (batchSize < 1) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "--batch-size must be at least 1, got " + batchSize,
                    null);
        }
        if (engine != null && Engines.canonicalName(engine).isEmpty()) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "--engine " + engine + ": unknown engine; known: " + Engines.available(),
                    null);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintStream stdout = System.out;
        System.setOut(System.err); // the console log goes to standard error from here on
        try (KilnModel loaded = load()) {
            List<NamedInput> inputs = readAll(loaded);
            boolean classes = loaded.manifest().activation() != OutputActivation.NONE;
            for (int start = 0; start < inputs.size(); start += batchSize) {
                List<NamedInput> batch =
                        inputs.subList(start, Math.min(inputs.size(), start + batchSize));
                List<String> texts = batch.stream().map(NamedInput::text).toList();
                if (classes) {
                    List<Classifications> results;
                    try (Predictor<String, Classifications> predictor = loaded.newPredictor()) {
                        results = predictor.batchPredict(texts);
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        out.println(classLine(batch.get(i).name(), results.get(i)));
                    }
                } else {
                    List<float[]> results;
                    try (Predictor<String, float[]> predictor = loaded.newValuePredictor()) {
                        results = predictor.batchPredict(texts);
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        out.println(valuesLine(batch.get(i).name(), results.get(i)));
                    }
                }
                out.flush();
            }
            return 0;
        } catch (TranslateException e) {
            throw new CliFailure(
                    CliFailure.TRAINING_FAILED, "prediction failed: " + CliFailure.describe(e), e);
        } finally {
            out.flush();
            System.setOut(stdout);
        }
    }

    private KilnModel load() {
        try {
            return KilnModel.builder(model)
                    .engine(engine)
                    .defaultPluginDir(PluginOptions.defaultDir())
                    .pluginDirs(plugins.dirs)
                    .load();
        } catch (ExportException | PluginException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, "--model: " + e.getMessage(), e);
        } catch (KilnConfigException e) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "--model: " + model + "/model.json is not valid here:\n" + e.getMessage(),
                    e);
        } catch (InputException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, "--model: " + e.getMessage(), e);
        }
    }

    /** Finds every input and reads each once, so that a bad one stops before any output. */
    private List<NamedInput> readAll(KilnModel loaded) {
        List<NamedInput> inputs = new ArrayList<>();
        try {
            for (String argument : arguments) {
                inputs.addAll(loaded.inputs(argument));
            }
            for (NamedInput input : inputs) {
                loaded.read(input);
            }
        } catch (InputException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, e.getMessage(), e);
        }
        return inputs;
    }

    private String classLine(String name, Classifications result) {
        List<Classifications.Classification> best = result.topK(topK);
        if (json) {
            JsonArray predictions = new JsonArray();
            for (Classifications.Classification c : best) {
                JsonObject p = new JsonObject();
                p.addProperty("class", c.getClassName());
                p.addProperty("probability", c.getProbability());
                predictions.add(p);
            }
            JsonObject line = new JsonObject();
            line.addProperty("input", name);
            line.add("predictions", predictions);
            return line.toString();
        }
        StringBuilder text = new StringBuilder(name).append(':');
        for (Classifications.Classification c : best) {
            text.append("  ")
                    .append(c.getClassName())
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%.4f", c.getProbability()));
        }
        return text.toString();
    }

    private String valuesLine(String name, float[] values) {
        if (json) {
            JsonArray array = new JsonArray();
            for (float v : values) {
                array.add(v);
            }
            JsonObject line = new JsonObject();
            line.addProperty("input", name);
            line.add("values", array);
            return line.toString();
        }
        StringBuilder text = new StringBuilder(name).append(':');
        for (float v : values) {
            text.append("  ").append(v);
        }
        return text.toString();
    }
}
