package dev.kiln.model;

import ai.djl.nn.Block;

/**
 * Builds a model by name ({@code kiln.model.type}). An implementation is a Kiln extension: it
 * carries {@code @KilnExtension}, is listed in {@code META-INF/services/dev.kiln.model.ModelProvider}
 * and gets its settings by constructor injection (for example {@code @Named("kiln") Config}, whose
 * {@code model} section holds the type's keys).
 */
public interface ModelProvider {

    /**
     * @param shape what the model reads and must predict
     * @return the model, not yet initialized
     */
    Block create(ModelShape shape);
}
