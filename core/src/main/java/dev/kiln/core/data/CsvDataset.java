package dev.kiln.core.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.util.Progress;
import dev.kiln.data.DataFormatException;
import dev.kiln.data.HostTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A numeric CSV file held in memory: features and one or more labels per row, optionally scaled
 * and split into train and test sets. It is both a DJL {@link RandomAccessDataset} (so {@code
 * EasyTrain} can iterate it; each record is features of shape (featureCount) and a scalar label,
 * or labels of shape (labelCount) when there are several label columns) and a {@link HostTable}
 * (so {@link SampledBatchSource} can gather its rows without NDArrays, labels batched to (batch)
 * or (batch, labelCount)).
 *
 * <p>{@link Builder#buildSplit()} reads the file once; the train and test datasets are views on
 * the same rows, split by a seeded shuffle, with scaling statistics fitted on the train rows and
 * applied to both.
 */
public final class CsvDataset extends RandomAccessDataset implements HostTable {

    private final CsvRows rows;
    private final int[] rowIndices;
    private final ScalingStats scaling;

    private CsvDataset(
            Builder builder,
            Sampler sampler,
            CsvRows rows,
            int[] rowIndices,
            ScalingStats scaling) {
        super(builder);
        this.sampler = sampler;
        this.rows = rows;
        this.rowIndices = rowIndices;
        this.scaling = scaling;
    }

    /**
     * Starts describing a CSV dataset.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public Record get(NDManager manager, long index) {
        int row = rowIndices[Math.toIntExact(index)];
        int n = rows.featureCount();
        float[] features = new float[n];
        System.arraycopy(rows.features(), row * n, features, 0, n);
        int k = rows.labelCount();
        if (k == 1) {
            return new Record(
                    new NDList(manager.create(features)),
                    new NDList(manager.create(rows.labels()[row])));
        }
        float[] labels = new float[k];
        System.arraycopy(rows.labels(), row * k, labels, 0, k);
        return new Record(new NDList(manager.create(features)), new NDList(manager.create(labels)));
    }

    /** {@inheritDoc} */
    @Override
    protected long availableSize() {
        return rowIndices.length;
    }

    /** Does nothing: the rows are read when the dataset is built. */
    @Override
    public void prepare(Progress progress) {
        // Loaded eagerly by the builder.
    }

    @Override
    public int rowCount() {
        return Math.toIntExact(size());
    }

    @Override
    public int featureCount() {
        return rows.featureCount();
    }

    @Override
    public void copyFeatures(int row, float[] dest, int offset) {
        int n = rows.featureCount();
        System.arraycopy(rows.features(), rowIndices[row] * n, dest, offset, n);
    }

    /** @return the number of label columns: 1 for a class or a single value */
    @Override
    public int labelCount() {
        return rows.labelCount();
    }

    /** @return the row's first label (its only one unless there are several label columns) */
    @Override
    public float label(int row) {
        return rows.labels()[rowIndices[row] * rows.labelCount()];
    }

    @Override
    public void copyLabels(int row, float[] dest, int offset) {
        int k = rows.labelCount();
        System.arraycopy(rows.labels(), rowIndices[row] * k, dest, offset, k);
    }

    /**
     * Returns the file the rows were read from.
     *
     * @return the path as given to the builder
     */
    public Path file() {
        return rows.file();
    }

    /**
     * Returns the scaling statistics applied to the features (fitted on the train rows).
     *
     * @return the statistics; identity for {@link FeatureScaling#NONE}
     */
    public ScalingStats scaling() {
        return scaling;
    }

    /**
     * Returns, for each row of this dataset, its 0-based index among the file's data rows.
     *
     * @return a new array, ascending
     */
    public int[] sourceRows() {
        return rowIndices.clone();
    }

    /** A train and a test dataset that share the rows of one file. */
    public record Split(CsvDataset train, CsvDataset test) {}

    /**
     * Describes a CSV dataset: the file, which columns are labels and what they hold, a header,
     * feature scaling and the train/test split. Without {@code setSampling}, the train (or whole)
     * dataset samples batches of 32 at random; the test dataset always reads in order with the
     * same batch size.
     */
    public static final class Builder extends BaseBuilder<Builder> {

        private Path path;
        private int[] labelColumns = {-1};
        private CsvTargets targets = CsvTargets.CLASSES;
        private boolean header;
        private char delimiter = ',';
        private FeatureScaling scaling = FeatureScaling.NONE;
        private ScalingStats fittedScaling;
        private double testFraction;
        private long splitSeed;

        private Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the CSV file, plain or gzip-compressed.
         *
         * @param path the file
         * @return this builder
         */
        public Builder setPath(Path path) {
            this.path = path;
            return this;
        }

        /**
         * Sets the label's column; negative values count from the end. Default -1, the last.
         *
         * @param labelColumn the 0-based column index, or negative from the end
         * @return this builder
         */
        public Builder optLabelColumn(int labelColumn) {
            this.labelColumns = new int[] {labelColumn};
            return this;
        }

        /**
         * Sets the label columns, replacing {@link #optLabelColumn}: each row's labels are these
         * columns' values in this order, and the other columns are its features. Negative values
         * count from the end.
         *
         * @param labelColumns the 0-based column indices, at least one
         * @return this builder
         * @throws IllegalArgumentException if no column is given
         */
        public Builder optLabelColumns(int... labelColumns) {
            if (labelColumns.length == 0) {
                throw new IllegalArgumentException("at least one label column is needed");
            }
            this.labelColumns = labelColumns.clone();
            return this;
        }

        /**
         * Sets what the label columns hold. Default {@link CsvTargets#CLASSES}, which takes one
         * label column; {@link CsvTargets#MULTI_LABEL} makes any label other than 0 or 1 a {@link
         * DataFormatException}.
         *
         * @param targets the targets
         * @return this builder
         */
        public Builder optTargets(CsvTargets targets) {
            this.targets = targets;
            return this;
        }

        /**
         * Sets whether the first line is a header to skip. Default false.
         *
         * @param header true to skip the first line
         * @return this builder
         */
        public Builder optHeader(boolean header) {
            this.header = header;
            return this;
        }

        /**
         * Sets the cell separator. Default comma.
         *
         * @param delimiter the separator
         * @return this builder
         */
        public Builder optDelimiter(char delimiter) {
            this.delimiter = delimiter;
            return this;
        }

        /**
         * Sets the feature scaling. Default {@link FeatureScaling#NONE}.
         *
         * @param scaling the scaling
         * @return this builder
         */
        public Builder optScaling(FeatureScaling scaling) {
            this.scaling = scaling;
            return this;
        }

        /**
         * Sets the feature scaling by name: {@code none}, {@code standardize} or {@code min-max}.
         *
         * @param scaling the scaling's name
         * @return this builder
         */
        public Builder optScaling(String scaling) {
            return optScaling(FeatureScaling.fromName(scaling));
        }

        /**
         * Sets the share of rows held out for testing, for {@link #buildSplit()}. Default 0.
         *
         * @param testFraction in [0, 1)
         * @return this builder
         */
        public Builder optTestFraction(double testFraction) {
            if (!(testFraction >= 0 && testFraction < 1)) {
                throw new IllegalArgumentException(
                        "testFraction must be in [0, 1), got " + testFraction);
            }
            this.testFraction = testFraction;
            return this;
        }

        /**
         * Sets the seed of the train/test shuffle. Default 0.
         *
         * @param splitSeed the seed
         * @return this builder
         */
        public Builder optSplitSeed(long splitSeed) {
            this.splitSeed = splitSeed;
            return this;
        }

        /**
         * Reads the file into one dataset of all rows, scaled with statistics of all rows.
         *
         * @return the dataset
         * @throws IllegalStateException if a test fraction is set (use {@link #buildSplit()})
         * @throws IllegalArgumentException if the file is missing or has no data rows, or the
         *     label columns do not fit it
         * @throws DataFormatException if a line is malformed
         */
        public CsvDataset build() {
            if (testFraction > 0) {
                throw new IllegalStateException(
                        "testFraction is "
                                + testFraction
                                + "; use buildSplit() to get the train and test datasets");
            }
            CsvRows rows = read();
            int[] all = new int[rows.rowCount()];
            Arrays.setAll(all, i -> i);
            ScalingStats stats = scale(rows, all);
            return new CsvDataset(this, trainSampler(), rows, all, stats);
        }

        /**
         * Scales with statistics fitted elsewhere (a test file scaled like its train file)
         * instead of fitting them on this file's rows.
         *
         * @param stats the statistics, for example {@code trainSet.scaling()}
         * @return this builder
         */
        public Builder optScalingStats(ScalingStats stats) {
            this.fittedScaling = stats;
            this.scaling = stats.method();
            return this;
        }

        /**
         * Reads the file once and splits its rows by a seeded shuffle into train and test sets;
         * scaling statistics come from the train rows only.
         *
         * @return the train and test datasets
         * @throws IllegalArgumentException if the file is missing, has no data rows, or the test
         *     fraction leaves either set empty
         * @throws DataFormatException if a line is malformed
         */
        public Split buildSplit() {
            CsvRows rows = read();
            int n = rows.rowCount();
            int testCount = (int) Math.round(n * testFraction);
            if (testCount == 0 || testCount == n) {
                throw new IllegalArgumentException(
                        "testFraction "
                                + testFraction
                                + " of "
                                + n
                                + " rows leaves the train or test set empty");
            }
            int[] order = new int[n];
            Arrays.setAll(order, i -> i);
            SplittableRandom random = new SplittableRandom(splitSeed);
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            int[] test = Arrays.copyOfRange(order, 0, testCount);
            int[] train = Arrays.copyOfRange(order, testCount, n);
            Arrays.sort(test);
            Arrays.sort(train);
            ScalingStats stats = scale(rows, train);
            Sampler trainSampler = trainSampler();
            Sampler testSampler =
                    new BatchSampler(new SequenceSampler(), trainSampler.getBatchSize(), false);
            return new Split(
                    new CsvDataset(this, trainSampler, rows, train, stats),
                    new CsvDataset(this, testSampler, rows, test, stats));
        }

        private CsvRows read() {
            if (path == null) {
                throw new IllegalStateException("the CSV path is not set");
            }
            if (sampler == null) {
                setSampling(32, true);
            }
            if (targets == CsvTargets.CLASSES && labelColumns.length > 1) {
                throw new IllegalArgumentException(
                        labelColumns.length
                                + " label columns cannot hold one class index; use the targets"
                                + " values or multi-label");
            }
            return new CsvParser(path, labelColumns, header, delimiter, targets).parse();
        }

        private Sampler trainSampler() {
            return getSampler();
        }

        private ScalingStats scale(CsvRows rows, int[] fitRows) {
            if (fittedScaling != null && fittedScaling.featureCount() != rows.featureCount()) {
                throw new IllegalArgumentException(
                        rows.file()
                                + " has "
                                + rows.featureCount()
                                + " features but the given scaling statistics are for "
                                + fittedScaling.featureCount());
            }
            ScalingStats stats =
                    fittedScaling != null
                            ? fittedScaling
                            : ScalingStats.fit(
                                    scaling, rows.features(), rows.featureCount(), fitRows);
            if (scaling != FeatureScaling.NONE) {
                stats.applyInPlace(rows.features());
            }
            return stats;
        }
    }
}
