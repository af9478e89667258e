package dev.kiln.data;

import com.typesafe.config.Config;

/**
 * Loads a dataset by name ({@code kiln.data.train.type}, {@code kiln.data.test.type}). An
 * implementation is a Kiln extension: it carries {@code @KilnExtension} and is listed in {@code
 * META-INF/services/dev.kiln.data.DatasetProvider}.
 */
public interface DatasetProvider {

    /**
     * Loads the data a section describes.
     *
     * @param section the dataset's section ({@code kiln.data.train} or {@code kiln.data.test})
     * @param role whether the data is for training (and may hold out a test split) or for testing
     * @return the loaded data
     * @throws DataFormatException when a file's content is malformed (naming file and line)
     * @throws IllegalArgumentException when a file is missing or a setting is invalid
     */
    LoadedData load(Config section, DataRole role);
}
