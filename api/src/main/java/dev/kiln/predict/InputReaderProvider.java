package dev.kiln.predict;

import com.typesafe.config.Config;

/**
 * Creates the reader of one kind of raw input, by the name a dataset gave in its {@link
 * PredictionInput}. An implementation is a Kiln extension: it carries {@code @KilnExtension}, is
 * listed in {@code META-INF/services/dev.kiln.predict.InputReaderProvider} and usually lives next
 * to the dataset whose inputs it reads.
 */
public interface InputReaderProvider {

    /**
     * @param settings the settings the dataset wrote into its {@link PredictionInput}
     * @return the reader
     * @throws InputException when the settings are not what this reader writes
     */
    InputReader create(Config settings);
}
