package dev.kiln.examples;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.translate.TranslateException;
import dev.kiln.core.export.KilnModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * An application that classifies CSV rows with a model {@code kiln export} wrote, with Kiln's
 * Java API and no trainer: {@link KilnModel#load} and a DJL {@link Predictor}. Each row holds the
 * feature columns only; each output line is the best class and its probability.
 *
 * <pre>
 * ./kiln export --run output/digits-mlp --to exported/digits
 * mvn -q -pl examples exec:java -Dexec.mainClass=dev.kiln.examples.ClassifyRows \
 *     -Dexec.args="exported/digits rows.csv"
 * </pre>
 */
public final class ClassifyRows {

    private ClassifyRows() {}

    /**
     * @param args the export's directory, a CSV file of feature rows, and optionally an engine
     * @throws IOException when the rows cannot be read
     * @throws TranslateException when a prediction fails
     */
    public static void main(String[] args) throws IOException, TranslateException {
        if (args.length < 2) {
            System.err.println("usage: ClassifyRows EXPORT_DIR ROWS.csv [PyTorch|MXNet]");
            System.exit(2);
        }
        List<String> rows = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        classify(Path.of(args[0]), rows, args.length > 2 ? args[2] : null, System.out);
    }

    /**
     * Classifies rows and prints one line per row: {@code <class> <probability>}.
     *
     * @param export the export's directory
     * @param rows rows of feature cells
     * @param engine the engine, or null for the one the model was trained under
     * @param out where to print
     * @throws TranslateException when a prediction fails
     */
    static void classify(Path export, List<String> rows, String engine, PrintStream out)
            throws TranslateException {
        try (KilnModel model = KilnModel.builder(export).engine(engine).load();
                Predictor<String, Classifications> predictor = model.newPredictor()) {
            for (String row : rows) {
                Classifications.Classification best = predictor.predict(row).best();
                out.printf(Locale.ROOT, "%s %.4f%n", best.getClassName(), best.getProbability());
            }
        }
    }
}
