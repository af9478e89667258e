package dev.kiln.predict;

import com.typesafe.config.Config;
import java.util.List;

/**
 * How a dataset turns one raw input into an example when a trained model predicts: the name of the
 * {@link InputReaderProvider} that reads such inputs, and the settings it needs (the fitted CSV
 * scaling, the test pipeline's image transforms, …). {@code kiln export} writes the settings as
 * {@code preprocessing.json} and the class names as {@code synset.txt}; loading the export gives
 * them back to the reader of the same name.
 *
 * @param reader the name of the input reader extension
 * @param settings what the reader needs, holding only JSON values (numbers, strings, booleans,
 *     lists and objects), so that it survives the round trip through JSON unchanged
 * @param classNames the name of each class, by label; empty when the classes have no names (they
 *     are then called by their number) or the model predicts values
 */
public record PredictionInput(String reader, Config settings, List<String> classNames) {

    /** Copies the class names. */
    public PredictionInput {
        classNames = List.copyOf(classNames);
    }
}
