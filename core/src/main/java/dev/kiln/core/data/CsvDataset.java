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
 * A numeric CSV file held in memory: features and one label per row, optionally scaled and split
 * into train and test sets. It is both a DJL {@link RandomAccessDataset} (so {@code EasyTrain}
 * can iterate it; each record is features of shape (featureCount) and a scalar label) and a
 * {@link HostTable} (so {@link SampledBatchSource} can gather its rows without NDArrays).
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
        return new Record(
                new NDList(manager.create(features)),
                new NDList(manager.create(rows.labels()[row])));
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

    @Override
    public float label(int row) {
        return rows.labels()[rowIndices[row]];
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
     * Describes a CSV dataset: the file, which column is the label, a header, feature scaling and
     * the train/test split. Without {@code setSampling}, the train (or whole) dataset samples
     * batches of 32 at random; the test dataset always reads in order with the same batch size.
     */
    public static final class Builder extends BaseBuilder<Builder> {

        private Path path;
        private int labelColumn = -1;
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
            this.labelColumn = labelColumn;
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
         * @throws IllegalArgumentException if the file is missing or has no data rows
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
            return new CsvParser(path, labelColumn, header, delimiter).parse();
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
