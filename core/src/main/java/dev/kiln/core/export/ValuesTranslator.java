package dev.kiln.core.export;

import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.kiln.predict.InputReader;

/**
 * DJL's {@link Translator} for an exported model's raw outputs: the input is a raw input's text,
 * read by the export's input reader; the output is the model's values for it (a regression's
 * predictions, or a classifier's logits).
 */
public final class ValuesTranslator implements Translator<String, float[]> {

    private final InputReader reader;

    /** @param reader reads an input's text into an example */
    public ValuesTranslator(InputReader reader) {
        this.reader = reader;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
        return new NDList(ClassifyTranslator.example(ctx, reader, input));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return list.singletonOrThrow().toFloatArray();
    }
}
