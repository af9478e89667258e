package dev.kiln.predict;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Reads raw inputs into examples exactly as the trained model's test data read them: the same
 * scaling, the same decoding, the same deterministic transforms.
 */
public interface InputReader {

    /** @return the shape of one example, without the batch axis */
    Shape exampleShape();

    /**
     * Finds the inputs one argument of {@code kiln predict} names: for example each row of a CSV
     * file, each image of a folder, or the argument itself when it is a row or an image file.
     *
     * @param argument a command-line argument
     * @return the inputs, in a stable order
     * @throws InputException when the argument names nothing readable
     */
    List<NamedInput> expand(String argument);

    /**
     * Reads one input.
     *
     * @param input an input, whose text is a row's cells or an image file's path
     * @return the example's values, row-major in {@link #exampleShape()}
     * @throws InputException starting with the input's name, saying what is wrong with it (a row
     *     of the wrong width, a cell that is no number, a file that is no image)
     */
    float[] read(NamedInput input);
}
