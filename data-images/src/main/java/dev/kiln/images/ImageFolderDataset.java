package dev.kiln.images;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import dev.kiln.data.HostTable;
import dev.kiln.data.image.ImageShape;
import dev.kiln.runtime.Seeds;
import java.nio.file.Path;
import java.util.List;

/**
 * Some of the images of an {@link ImageFolder}, decoded from their files each time they are read
 * and transformed: a DJL {@link RandomAccessDataset} (records of shape (channels, height, width)
 * and a class index) and a {@link HostTable}, so Kiln's batch source reads it on its worker
 * threads. Nothing is held in memory but the file list.
 *
 * <p>A bad image met while reading (one that passed the header check when the dataset was loaded
 * but whose pixels cannot be decoded) is a {@link dev.kiln.data.DataFormatException} naming the
 * file; training stops with it, and the last checkpoint stays as it was.
 */
public final class ImageFolderDataset extends RandomAccessDataset implements HostTable {

    private final List<Path> files;
    private final int[] labels;
    private final int[] rows;
    private final int channels;
    private final TransformedImages images;

    /**
     * @param builder DJL's dataset settings (the dataset's own sampler)
     * @param folder the folder
     * @param rows the indices of the folder's files this dataset holds, in order
     * @param channels the channels to decode the images with, 1 or 3
     * @param images the transforms and the shape they make
     */
    ImageFolderDataset(
            Builder builder,
            ImageFolder folder,
            int[] rows,
            int channels,
            TransformedImages images) {
        super(builder);
        this.files = folder.files();
        this.labels = folder.labels();
        this.rows = rows.clone();
        this.channels = channels;
        this.images = images;
    }

    /**
     * Returns the image file of one example.
     *
     * @param row the example, in {@code [0, rowCount)}
     * @return its file
     */
    public Path file(int row) {
        return files.get(rows[row]);
    }

    /** @return the shape of one example after the transforms */
    public ImageShape imageShape() {
        return images.output();
    }

    @Override
    public Record get(NDManager manager, long index) {
        int row = Math.toIntExact(index);
        float[] features = new float[featureCount()];
        copyFeatures(row, features, 0);
        return new Record(
                new NDList(manager.create(features, images.output().toShape())),
                new NDList(manager.create(label(row))));
    }

    @Override
    protected long availableSize() {
        return rows.length;
    }

    /** Does nothing: the file list is made when the dataset is loaded. */
    @Override
    public void prepare(Progress progress) {
        // Listed and checked by ImageFolderDatasetProvider.
    }

    @Override
    public int rowCount() {
        return rows.length;
    }

    @Override
    public int featureCount() {
        return images.output().size();
    }

    @Override
    public Shape exampleShape() {
        return images.output().toShape();
    }

    @Override
    public void copyFeatures(int row, float[] dest, int offset) {
        copyFeatures(row, Seeds.forExample(0, 0, rows[row]), dest, offset);
    }

    @Override
    public void copyFeatures(int row, long seed, float[] dest, int offset) {
        images.copy(ImageFiles.decode(file(row), channels), seed, dest, offset);
    }

    @Override
    public boolean isRandomized() {
        return images.isRandom();
    }

    @Override
    public float label(int row) {
        return labels[rows[row]];
    }

    /** DJL's dataset builder, with nothing of its own: the folder is read by the provider. */
    static final class Builder extends BaseBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
