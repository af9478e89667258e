package dev.kiln.core.export;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.kiln.loss.OutputActivation;
import dev.kiln.predict.InputReader;
import dev.kiln.predict.NamedInput;
import java.util.List;

/**
 * DJL's {@link Translator} for an exported classifier: the input is a raw input's text (a CSV row
 * of feature cells, an image file's path), read by the export's input reader; the output is the
 * probability of each class, by softmax for one class out of all or by sigmoid per label.
 */
public final class ClassifyTranslator implements Translator<String, Classifications> {

    private final InputReader reader;
    private final OutputActivation activation;
    private final List<String> classNames;

    /**
     * @param reader reads an input's text into an example
     * @param activation {@link OutputActivation#SOFTMAX} or {@link OutputActivation#SIGMOID}
     * @param classNames the class names by label
     */
    public ClassifyTranslator(
            InputReader reader, OutputActivation activation, List<String> classNames) {
        if (activation == OutputActivation.NONE) {
            throw new IllegalArgumentException(
                    "the model predicts values, not classes: use a values predictor");
        }
        this.reader = reader;
        this.activation = activation;
        this.classNames = List.copyOf(classNames);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
        return new NDList(example(ctx, reader, input));
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.singletonOrThrow();
        NDArray probabilities =
                activation == OutputActivation.SOFTMAX
                        ? logits.softmax(-1)
                        : Activation.sigmoid(logits);
        return new Classifications(classNames, probabilities);
    }

    /**
     * @param ctx the translator's context, whose manager owns the array
     * @param reader the input reader
     * @param input an input's text
     * @return the example as an array of the reader's example shape
     */
    static NDArray example(TranslatorContext ctx, InputReader reader, String input) {
        float[] values = reader.read(new NamedInput(input, input));
        Shape shape = reader.exampleShape();
        return ctx.getNDManager().create(values, shape);
    }
}
