package dev.kiln.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.kiln.optim.StatefulOptimizer;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Tiny synthetic image batches and a training step, for the model tests. */
final class Images {

    private Images() {}

    /**
     * @return a batch of images with values from a seeded {@link Random}, in [0, 1)
     */
    static NDArray batch(NDManager manager, long seed, int batch, int channels, int size) {
        Random random = new Random(seed);
        float[] values = new float[batch * channels * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return manager.create(values, new Shape(batch, channels, size, size));
    }

    /** @return class labels 0 .. classes-1 from a seeded {@link Random} */
    static NDArray labels(NDManager manager, long seed, int batch, int classes) {
        Random random = new Random(seed);
        float[] labels = new float[batch];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(classes);
        }
        return manager.create(labels);
    }

    /** Initializes a model for a batch shape, with a fixed seed for its weights. */
    static Block initialized(Block model, NDManager manager, Shape batchShape) {
        manager.getEngine().setRandomSeed(7);
        model.initialize(manager, DataType.FLOAT32, batchShape);
        return model;
    }

    /**
     * One training step as Kiln's {@code SimpleTrainer} takes it: forward in training mode and
     * backward inside a gradient collector, then the optimizer's step.
     *
     * @return the loss before the step
     */
    static float step(
            Block model,
            NDManager manager,
            StatefulOptimizer optimizer,
            NDArray images,
            NDArray labels) {
        try (NDManager step = manager.newSubManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            float loss;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDList out = model.forward(store, new NDList(images), true);
                NDArray value = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), out);
                loss = value.getFloat();
                collector.backward(value);
            }
            optimizer.step(model.getParameters());
            return loss;
        }
    }

    /** @return the model's output for a batch, in inference mode */
    static NDArray predict(Block model, NDManager manager, NDArray images) {
        return model.forward(new ParameterStore(manager, false), new NDList(images), false)
                .singletonOrThrow();
    }

    /** @return every parameter's bytes (running statistics included), by name */
    static Map<String, byte[]> bytes(Block model) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            ByteBuffer buffer = p.getValue().getArray().toByteBuffer();
            byte[] data = new byte[buffer.remaining()];
            buffer.get(data);
            result.put(p.getKey(), data);
        }
        return result;
    }

    /** @return the number of values of every parameter, or of the trainable ones only */
    static long count(Block model, boolean trainableOnly) {
        long count = 0;
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (!trainableOnly || p.getValue().requiresGradient()) {
                count += p.getValue().getArray().size();
            }
        }
        return count;
    }
}
