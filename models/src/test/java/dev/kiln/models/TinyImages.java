package dev.kiln.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import java.util.Random;

/**
 * Seeded grey images of 1x12x12 in three classes (a bright 4x4 square in the top left, the
 * centre or the bottom right, on noise), made in memory. Deliberately a plain DJL dataset, not a
 * {@code HostTable}: Kiln stacks its records into (batch, 1, 12, 12).
 */
final class TinyImages extends RandomAccessDataset {

    static final int SIZE = 12;
    static final int CLASSES = 3;

    private final float[][] images;
    private final float[] labels;

    TinyImages(int count, long seed) {
        super(new Builder().setSampling(1, false));
        Random random = new Random(seed);
        images = new float[count][SIZE * SIZE];
        labels = new float[count];
        for (int n = 0; n < count; n++) {
            int label = n % CLASSES;
            labels[n] = label;
            int corner = label * 4;
            for (int i = 0; i < SIZE * SIZE; i++) {
                int row = i / SIZE;
                int column = i % SIZE;
                boolean square =
                        row >= corner
                                && row < corner + 4
                                && column >= corner
                                && column < corner + 4;
                images[n][i] = (square ? 0.8f : 0f) + 0.3f * random.nextFloat();
            }
        }
    }

    @Override
    public Record get(NDManager manager, long index) {
        int n = Math.toIntExact(index);
        return new Record(
                new NDList(manager.create(images[n], new Shape(1, SIZE, SIZE))),
                new NDList(manager.create(labels[n])));
    }

    @Override
    protected long availableSize() {
        return labels.length;
    }

    @Override
    public void prepare(Progress progress) {
        // made in the constructor
    }

    /** The builder DJL's dataset base class asks for; only its sampling is set. */
    private static final class Builder extends BaseBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
