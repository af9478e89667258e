package dev.kiln.images;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import dev.kiln.data.DataFormatException;
import dev.kiln.data.HostTable;
import dev.kiln.data.image.HostImage;
import dev.kiln.data.image.ImageShape;
import dev.kiln.images.transform.TransformList;
import dev.kiln.runtime.Seeds;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Images and their labels from a pair of IDX files (MNIST's and Fashion-MNIST's format), held in
 * memory as bytes: each example is an image of shape (1, height, width) with its pixels scaled to
 * [0, 1], then transformed by the dataset's transforms, and its class index.
 */
public final class IdxDataset extends RandomAccessDataset implements HostTable {

    private static final float SCALE = 1f / 255f;

    /** The most pixels of one image, so that a batch of its floats still fits in an array. */
    private static final int MAX_PIXELS = 1 << 24;

    private final byte[] pixels;
    private final byte[] labels;
    private final int count;
    private final int height;
    private final int width;
    private final TransformedImages transforms;

    private IdxDataset(
            Builder builder, IdxFile images, IdxFile labels, TransformedImages transforms) {
        super(builder);
        this.transforms = transforms;
        this.pixels = images.values();
        this.labels = labels.values();
        this.count = images.dims()[0];
        this.height = images.dims()[1];
        this.width = images.dims()[2];
    }

    /**
     * Reads a pair of IDX files, checking that they fit together.
     *
     * @param images the images' file: three dimensions, count x height x width
     * @param labels the labels' file: one dimension, the same count
     * @param batchSize the batch size of the dataset's own sampler
     * @param shuffle whether its sampler shuffles
     * @return the dataset
     * @throws DataFormatException naming the file that does not fit
     */
    public static IdxDataset read(Path images, Path labels, int batchSize, boolean shuffle) {
        return read(images, labels, batchSize, shuffle, TransformList.of(List.of()), "transforms");
    }

    /**
     * Reads a pair of IDX files, checking that they fit together and that the transforms fit the
     * images.
     *
     * @param images the images' file: three dimensions, count x height x width
     * @param labels the labels' file: one dimension, the same count
     * @param batchSize the batch size of the dataset's own sampler
     * @param shuffle whether its sampler shuffles
     * @param transforms what to apply to each image, in order
     * @param key the transforms' key, for messages
     * @return the dataset
     * @throws DataFormatException naming the file that does not fit
     * @throws dev.kiln.spi.SettingsException naming the transform that does not fit the images
     */
    public static IdxDataset read(
            Path images,
            Path labels,
            int batchSize,
            boolean shuffle,
            TransformList transforms,
            String key) {
        IdxFile imageFile = IdxFile.read(images);
        IdxFile labelFile = IdxFile.read(labels);
        if (imageFile.dims().length != 3) {
            throw new DataFormatException(
                    images,
                    1,
                    "images need 3 dimensions (count, height, width) but the file has "
                            + Arrays.toString(imageFile.dims()));
        }
        int[] imageDims = imageFile.dims();
        if (imageDims[1] < 1
                || imageDims[2] < 1
                || (long) imageDims[1] * imageDims[2] > MAX_PIXELS) {
            throw new DataFormatException(
                    images,
                    1,
                    "images of "
                            + imageDims[1]
                            + "x"
                            + imageDims[2]
                            + " pixels; each needs a height and width of at least 1 and at most "
                            + MAX_PIXELS
                            + " pixels");
        }
        if (labelFile.dims().length != 1) {
            throw new DataFormatException(
                    labels,
                    1,
                    "labels need 1 dimension (count) but the file has "
                            + Arrays.toString(labelFile.dims()));
        }
        if (imageFile.dims()[0] != labelFile.dims()[0]) {
            throw new DataFormatException(
                    labels,
                    1,
                    "holds "
                            + labelFile.dims()[0]
                            + " labels but "
                            + images
                            + " holds "
                            + imageFile.dims()[0]
                            + " images");
        }
        Builder builder = new Builder();
        builder.setSampling(batchSize, shuffle);
        ImageShape stored = new ImageShape(1, imageFile.dims()[1], imageFile.dims()[2]);
        TransformedImages transformed =
                transforms.isEmpty()
                        ? null
                        : new TransformedImages(transforms, Map.of(stored, images), key);
        return new IdxDataset(builder, imageFile, labelFile, transformed);
    }

    /** @return the shape of one example: (1, height, width), or what the transforms make */
    public ImageShape imageShape() {
        return transforms == null ? new ImageShape(1, height, width) : transforms.output();
    }

    /** @return the shape of one image as the file stores it, (1, height, width) */
    public ImageShape storedShape() {
        return new ImageShape(1, height, width);
    }

    /** @return the number of classes: one more than the largest label */
    public int classCount() {
        int max = 0;
        for (byte label : labels) {
            max = Math.max(max, Byte.toUnsignedInt(label));
        }
        return max + 1;
    }

    @Override
    public Record get(NDManager manager, long index) {
        int row = Math.toIntExact(index);
        float[] features = new float[featureCount()];
        copyFeatures(row, features, 0);
        return new Record(
                new NDList(manager.create(features, exampleShape())),
                new NDList(manager.create(label(row))));
    }

    @Override
    protected long availableSize() {
        return count;
    }

    @Override
    public void prepare(Progress progress) {
        // read whole by read()
    }

    @Override
    public int rowCount() {
        return count;
    }

    @Override
    public int featureCount() {
        return imageShape().size();
    }

    @Override
    public Shape exampleShape() {
        return imageShape().toShape();
    }

    @Override
    public void copyFeatures(int row, float[] dest, int offset) {
        copyFeatures(row, Seeds.forExample(0, 0, row), dest, offset);
    }

    @Override
    public void copyFeatures(int row, long seed, float[] dest, int offset) {
        if (transforms == null) {
            copyPixels(row, dest, offset);
            return;
        }
        HostImage image = HostImage.zeros(new ImageShape(1, height, width));
        copyPixels(row, image.pixels(), 0);
        transforms.copy(image, seed, dest, offset);
    }

    @Override
    public boolean isRandomized() {
        return transforms != null && transforms.isRandom();
    }

    private void copyPixels(int row, float[] dest, int offset) {
        int n = height * width;
        int start = row * n;
        for (int i = 0; i < n; i++) {
            dest[offset + i] = Byte.toUnsignedInt(pixels[start + i]) * SCALE;
        }
    }

    @Override
    public float label(int row) {
        return Byte.toUnsignedInt(labels[row]);
    }

    /** DJL's dataset builder, with nothing of its own: the files are read by {@link #read}. */
    static final class Builder extends BaseBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
