package dev.kiln.core.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import com.typesafe.config.Config;
import dev.kiln.collective.Collective;
import dev.kiln.core.config.ConfigValidator;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.core.data.SampledBatchSource;
import dev.kiln.core.data.TrainingSampler;
import dev.kiln.core.distributed.AllReduceGradients;
import dev.kiln.core.hooks.FrozenStatistics;
import dev.kiln.core.hooks.IterationTimer;
import dev.kiln.core.hooks.PeriodicWriter;
import dev.kiln.core.model.ModelSummary;
import dev.kiln.core.optim.SolverGroups;
import dev.kiln.core.plugin.ExtensionFactory;
import dev.kiln.core.plugin.ExtensionInfo;
import dev.kiln.core.plugin.ExtensionRegistry;
import dev.kiln.core.runtime.Devices;
import dev.kiln.core.runtime.Engines;
import dev.kiln.core.runtime.ReplicaThreads;
import dev.kiln.data.BatchSource;
import dev.kiln.data.DataRole;
import dev.kiln.data.DatasetProvider;
import dev.kiln.data.LoadedData;
import dev.kiln.evaluation.EvaluationHook;
import dev.kiln.evaluation.ExpectedResultsException;
import dev.kiln.events.EventWriter;
import dev.kiln.loss.LossProvider;
import dev.kiln.loss.OutputActivation;
import dev.kiln.model.ModelProvider;
import dev.kiln.model.ModelShape;
import dev.kiln.optim.GradientClipper;
import dev.kiln.optim.OptimizerProvider;
import dev.kiln.optim.ParameterGroup;
import dev.kiln.optim.StatefulOptimizer;
import dev.kiln.predict.PredictionInput;
import dev.kiln.runtime.Seeds;
import dev.kiln.spi.ExtensionPoint;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.train.Hook;
import dev.kiln.train.LossFunction;
import dev.kiln.train.Replica;
import dev.kiln.train.Resumer;
import dev.kiln.train.SimpleTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer a config describes, after detectron2's {@code DefaultTrainer}: it builds the
 * engine, data, model, optimizer, hooks and writers from a validated {@link KilnConfig} and the
 * extensions found, then trains with a {@link SimpleTrainer}. Every part comes from a protected
 * {@code build...} method that a subclass may override; extensions are created by Guice, so they
 * get by constructor injection what {@link RunModule} binds, and a plugin's Guice module may
 * override any of those bindings.
 *
 * <p>Hook order: {@code iteration-timer}, the hooks of {@code kiln.hooks} in order, then the
 * {@code periodic-writer} (last, so it sees what the others put in the storage). {@link #setUp()}
 * writes no file, so bad data is reported before a run directory exists. {@link #evaluate()}
 * evaluates instead of training.
 */
public class DefaultTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultTrainer.class);

    private KilnConfig config;
    private final ExtensionRegistry registry;
    private Engine engine;
    private Device device;
    private List<Device> devices;
    private final List<NDManager> replicaManagers = new ArrayList<>();
    private Seeds seeds;
    private NDManager manager;
    private ExtensionFactory factory;
    private DatasetProvider trainProvider;
    private LoadedData trainData;
    private Optional<RandomAccessDataset> testData = Optional.empty();
    private Optional<PredictionInput> testInput = Optional.empty();
    private Block model;
    private ModelSummary modelSummary;
    private StatefulOptimizer optimizer;
    private BatchSource batches;
    private LossFunction loss;
    private SimpleTrainer trainer;
    private Resumer resumer;
    private Collective collective;
    private int localRank;

    /**
     * Creates a trainer; nothing is built until {@link #setUp()} or {@link #train()}.
     *
     * @param config the validated config
     * @param registry the extensions found on the class path and in plugins
     */
    public DefaultTrainer(KilnConfig config, ExtensionRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /**
     * Builds everything training needs, in this order: engine, device and seeds; train and test
     * data; model; optimizer; batch source; hooks and writers. Writes no file. Calling it again
     * does nothing.
     */
    public void setUp() {
        if (trainer != null) {
            return;
        }
        engine = Engines.byName(config.engine());
        devices =
                config.devices().isPresent()
                        ? Devices.parseAll(config.config(), "kiln.devices", engine)
                        : List.of(Devices.parse(config.device(), engine));
        if (localRank > 0) {
            devices = Devices.forLocalRank(devices, localRank);
            Devices.requireAvailable(
                    devices,
                    engine,
                    "process "
                            + localRank
                            + " of this host takes the GPUs after those of the processes before"
                            + " it ("
                            + devices.size()
                            + " per process)");
        }
        device = devices.get(0);
        seeds = Seeds.of(config.seed()).engine(engine);
        manager = engine.newBaseManager(device);
        Injector injector =
                Guice.createInjector(
                        Modules.override(new RunModule(this)).with(registry.pluginModules()));
        factory = new ExtensionFactory(injector, config.config());

        trainData = buildTrainData();
        testData = buildTestData(trainData);
        if (config.maxEpochs().isPresent()) {
            // before the model and hooks are built, so that all of them see the derived max-iter
            config = epochsToIterations(config, trainData.examples().size());
            factory = new ExtensionFactory(injector, config.config());
        }
        model = buildModel(new ModelShape(trainData.exampleShape(), trainData.classCount()));
        model.initialize(manager, DataType.FLOAT32, batchShape(trainData.exampleShape()));
        List<ParameterGroup> groups = SolverGroups.paramGroups(config.solver());
        List<String> frozen = SolverGroups.freeze(model, config.solver());
        SolverGroups.warnUnused(model, groups);
        modelSummary = ModelSummary.of(model);
        LOG.info("Model summary of {}:\n{}", config.modelType(), modelSummary.text());
        optimizer = buildOptimizer(model);
        optimizer.setParameterGroups(groups);
        if (collective != null) {
            requireGlobalBatchSplits(collective.worldSize());
        }
        batches = buildBatchSource(trainData.examples());
        loss = buildLoss();
        trainer = new SimpleTrainer(model, manager, loss, optimizer, batches);
        trainer.setGradientClipper(buildGradientClipper());
        trainer.setAccumulateSteps(config.accumulateSteps());
        if (devices.size() > 1) {
            trainer.setReplicas(
                    buildReplicas(trainData, frozen),
                    ReplicaThreads.forEngine(engine, devices.size()));
        }
        if (collective != null) {
            trainer.setRank(collective.rank(), collective.worldSize());
            trainer.setGradientReducer(new AllReduceGradients(collective));
        }
        trainer.registerHooks(buildHooks());
        List<Parameter> statistics = SolverGroups.frozenStatistics(model, frozen);
        if (!statistics.isEmpty()) {
            trainer.registerHooks(List.of(new FrozenStatistics(statistics)));
        }
        if (config.resume() || config.weights().isPresent()) {
            resumer = findResumer();
        }
        if ((config.resume() || config.weights().isPresent()) && resumer == null) {
            throw new IllegalArgumentException(
                    (config.resume() ? "kiln.resume" : "kiln.weights")
                            + " needs a hook that loads checkpoints, and no installed plugin"
                            + " provides one; "
                            + ConfigValidator.PLUGIN_HINT);
        }
        LOG.info(
                "Built {} on {} ({}): {} training examples, {} classes, {} test examples",
                config.modelType(),
                engine.getEngineName(),
                device,
                trainData.examples().size(),
                trainData.classCount(),
                testData.map(RandomAccessDataset::size).orElse(0L));
    }

    /**
     * Builds one replica of the model on each device of {@code kiln.devices} after the first (see
     * docs/scaling.md): the model extension's model, initialized in a manager of its own on that
     * device, with the same parameters frozen; the trainer copies the weights into it.
     */
    private List<Replica> buildReplicas(LoadedData data, List<String> frozen) {
        List<Replica> out = new ArrayList<>();
        for (Device other : devices.subList(1, devices.size())) {
            NDManager replicaManager = engine.newBaseManager(other);
            replicaManagers.add(replicaManager);
            Block replica = buildModel(new ModelShape(data.exampleShape(), data.classCount()));
            replica.initialize(replicaManager, DataType.FLOAT32, batchShape(data.exampleShape()));
            for (String name : frozen) {
                replica.getParameters().get(name).freeze(true);
            }
            out.add(new Replica(replica, replicaManager));
        }
        return out;
    }

    /**
     * Makes this trainer one of several processes that train one model together ({@code kiln
     * train --nproc}): each step trains on this process's share of the global batch, the
     * gradients are summed over the processes through the collective, and only rank 0 writes.
     * Call it before {@link #setUp()}.
     *
     * @param joined the collective this process joined
     */
    public void setCollective(Collective joined) {
        if (trainer != null) {
            throw new IllegalStateException("set the collective before setUp()");
        }
        this.collective = joined;
    }

    /**
     * Makes this the {@code localRank}-th of several processes on one host (as {@code kiln train
     * --nproc} starts them): it trains on GPUs of its own, those of the config moved on by {@code
     * localRank} times their number (see {@link Devices#forLocalRank}); CPU devices are shared.
     * Call before {@link #setUp()}.
     *
     * @param localRank the process's rank among those on its host, at least 0
     */
    public void setLocalRank(int localRank) {
        if (trainer != null) {
            throw new IllegalStateException("set the local rank before setUp()");
        }
        if (localRank < 0) {
            throw new IllegalArgumentException("local rank must be at least 0: " + localRank);
        }
        this.localRank = localRank;
    }

    private void requireGlobalBatchSplits(int processes) {
        int devices = this.devices.size();
        long pieces = (long) processes * devices * config.accumulateSteps();
        if (config.batchSize() % pieces != 0) {
            throw new IllegalArgumentException(
                    "kiln.solver.batch-size ("
                            + config.batchSize()
                            + ") must split into equal shares for "
                            + processes
                            + " processes"
                            + (devices > 1 ? " x " + devices + " devices" : "")
                            + (config.accumulateSteps() > 1
                                    ? " x " + config.accumulateSteps() + " accumulate-steps"
                                    : "")
                            + "; choose a multiple of "
                            + pieces);
        }
    }

    /**
     * Turns {@code kiln.solver.max-epochs} into iterations: an epoch is {@code training examples /
     * batch-size} iterations, rounded up over the whole run, so {@code ceil(max-epochs x examples
     * / batch-size)}; the returned config has that count as {@code kiln.solver.max-iter} and
     * {@code max-epochs} null.
     *
     * @param config a config with {@code max-epochs} set
     * @param examples the number of training examples
     * @return the config with the derived {@code max-iter}
     * @throws IllegalArgumentException when there are no training examples, or too many
     *     iterations
     */
    static KilnConfig epochsToIterations(KilnConfig config, long examples) {
        int epochs = config.maxEpochs().orElseThrow();
        int batch = config.batchSize();
        if (examples < 1) {
            throw new IllegalArgumentException(
                    "kiln.solver.max-epochs needs training examples, and there are none");
        }
        long iterations = (Math.multiplyExact((long) epochs, examples) + batch - 1) / batch;
        if (iterations > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "kiln.solver.max-epochs = "
                            + epochs
                            + " is "
                            + iterations
                            + " iterations, more than "
                            + Integer.MAX_VALUE);
        }
        String how =
                "kiln.solver.max-epochs = "
                        + epochs
                        + ": ceil("
                        + epochs
                        + " x "
                        + examples
                        + " training examples / batch-size "
                        + batch
                        + ")";
        LOG.info("Training {} iterations ({})", iterations, how);
        return config.withDerivedMaxIter((int) iterations, how);
    }

    /**
     * Builds what is missing, then trains up to {@code kiln.solver.max-iter}: from iteration 0,
     * after loading {@code kiln.weights} if set, or, with {@code kiln.resume}, from where the last
     * checkpoint of the run directory stands (then {@code kiln.weights} is not used).
     */
    public void train() {
        setUp();
        trainer.train(startIteration(), config.maxIter());
    }

    /**
     * Loads what the config asks for before training, through the hooks that implement {@link
     * Resumer}.
     *
     * @return the iteration to start at
     */
    protected long startIteration() {
        if (config.resume()) {
            long start = resumer.resume(trainer);
            if (start > 0) {
                config.weights()
                        .ifPresent(w -> LOG.info("Resumed, so kiln.weights ({}) is not loaded", w));
                return Math.min(start, config.maxIter());
            }
        }
        config.weights().ifPresent(source -> resumer.loadWeights(source));
        return 0;
    }

    /**
     * The hook that loads checkpoints: the first of {@code kiln.hooks} that can, or else the first
     * installed hook extension that can (created for loading only, not registered), so that {@code
     * --resume} and {@code kiln.weights} work whatever {@code kiln.hooks} lists.
     *
     * @return the hook, or null when no installed extension loads checkpoints
     */
    private Resumer findResumer() {
        for (Hook hook : trainer.hooks()) {
            if (hook instanceof Resumer listed) {
                return listed;
            }
        }
        for (ExtensionInfo info : registry.all(ExtensionPoints.HOOK)) {
            if (Resumer.class.isAssignableFrom(info.implementation())) {
                Hook loader = factory.create(info, Hook.class);
                loader.attach(trainer);
                return (Resumer) loader;
            }
        }
        return null;
    }

    /**
     * Evaluates instead of training ({@code kiln train --eval-only}): builds what is missing, runs
     * {@link #restoreForEvaluation()}, then each registered {@link EvaluationHook} once (such as
     * a plugin's evaluation hook), which prints its results and checks them
     * against what the config expects. No hook's training callbacks run.
     *
     * @return every evaluation hook's results by full name, such as {@code test/accuracy}
     * @throws IllegalStateException when no hook of {@code kiln.hooks} evaluates
     * @throws ExpectedResultsException when a result misses what the config expects
     */
    public Map<String, Double> evaluate() {
        setUp();
        List<EvaluationHook> evaluations = new ArrayList<>();
        for (Hook hook : trainer.hooks()) {
            if (hook instanceof EvaluationHook evaluation) {
                evaluations.add(evaluation);
            }
        }
        if (evaluations.isEmpty()) {
            throw new IllegalStateException(
                    "nothing to evaluate with: none of kiln.hooks "
                            + config.hooks()
                            + " evaluates (implements EvaluationHook); add one to kiln.hooks, or "
                            + ConfigValidator.PLUGIN_HINT);
        }
        restoreForEvaluation();
        Map<String, Double> results = new LinkedHashMap<>();
        for (EvaluationHook evaluation : evaluations) {
            results.putAll(evaluation.evaluateOnly());
        }
        return results;
    }

    /**
     * Puts into the model the parameters {@link #evaluate()} should measure; called after {@link
     * #setUp()}: the run directory's last checkpoint with {@code kiln.resume}, else the file of
     * {@code kiln.weights}, through the hooks that implement {@link Resumer}. With neither, the
     * freshly initialized parameters are measured, and the log says so.
     *
     * @throws IllegalStateException when {@code kiln.resume} finds no checkpoint to evaluate
     */
    protected void restoreForEvaluation() {
        if (!config.resume() && config.weights().isEmpty()) {
            LOG.warn(
                    "Evaluating freshly initialized parameters: neither --resume nor kiln.weights"
                            + " names trained ones");
            return;
        }
        if (config.resume()) {
            if (resumer.resume(trainer) > 0) {
                return;
            }
            if (config.weights().isEmpty()) {
                throw new IllegalStateException(
                        "--resume found no checkpoint to evaluate in " + config.outputDir());
            }
        }
        config.weights().ifPresent(resumer::loadWeights);
    }

    /**
     * Loads the training data with the dataset extension {@code kiln.data.train.type}.
     *
     * @return the training data, with the held-out test rows when the dataset splits itself
     */
    protected LoadedData buildTrainData() {
        Config section = config.trainData();
        trainProvider = create(ExtensionPoints.DATASET, section.getString("type"));
        return trainProvider.load(section, DataRole.TRAIN);
    }

    /**
     * Loads the test data: a dataset of its own ({@code kiln.data.test}), loaded by the same
     * extension instance as the training data when the type is the same, or the rows held out of
     * the training data.
     *
     * @param train the training data
     * @return the test data, if there is any
     */
    protected Optional<RandomAccessDataset> buildTestData(LoadedData train) {
        Optional<Config> section = config.testData();
        if (section.isEmpty()) {
            return train.heldOut();
        }
        String type = section.get().getString("type");
        DatasetProvider provider =
                type.equals(config.trainData().getString("type"))
                        ? trainProvider
                        : create(ExtensionPoints.DATASET, type);
        LoadedData test = provider.load(section.get(), DataRole.TEST);
        testInput = test.input();
        return Optional.of(test.examples());
    }

    /**
     * Builds the model with the model extension {@code kiln.model.type}.
     *
     * @param shape the shape of an example and the number of classes
     * @return the model, not yet initialized
     */
    protected Block buildModel(ModelShape shape) {
        return this.<ModelProvider>create(ExtensionPoints.MODEL, config.modelType()).create(shape);
    }

    /**
     * Builds the optimizer with the optimizer extension {@code kiln.solver.optimizer}.
     *
     * @param model the initialized model
     * @return the optimizer
     */
    protected StatefulOptimizer buildOptimizer(Block model) {
        return this.<OptimizerProvider>create(ExtensionPoints.OPTIMIZER, config.optimizer())
                .create();
    }

    /**
     * Builds the endless, seeded, prefetched stream of training batches; as one of several
     * processes, of this process's shares of them.
     *
     * @param examples the training examples
     * @return the batch source
     */
    protected BatchSource buildBatchSource(RandomAccessDataset examples) {
        TrainingSampler sampler =
                new TrainingSampler(
                        Math.toIntExact(examples.size()), true, seeds.derive("sampler"));
        // as one of several processes, gather only this process's share of each batch
        return SampledBatchSource.forDataset(
                examples,
                sampler,
                config.batchSize(),
                config.dataWorkers(),
                seeds.derive("augment"),
                collective != null ? collective.rank() : 0,
                collective != null ? collective.worldSize() : 1);
    }

    /**
     * Builds the loss with the loss extension {@code kiln.loss.type} (softmax cross-entropy by
     * default, recorded as {@code loss_cls}).
     *
     * @return the loss the trainer minimizes
     */
    protected LossFunction buildLoss() {
        return this.<LossProvider>create(
                        ExtensionPoints.LOSS, config.config().getString("kiln.loss.type"))
                .create();
    }

    /**
     * @return how predictions read the model's outputs: as the loss extension {@code
     *     kiln.loss.type} says
     */
    public OutputActivation outputActivation() {
        return this.<LossProvider>create(
                        ExtensionPoints.LOSS, config.config().getString("kiln.loss.type"))
                .outputActivation();
    }

    /** @return the gradient clipping of {@code kiln.solver.clip-gradients} */
    protected GradientClipper buildGradientClipper() {
        Config clip = config.solver().getConfig("clip-gradients");
        if (!clip.getBoolean("enabled")) {
            return GradientClipper.none();
        }
        float value = (float) clip.getDouble("value");
        return "value".equals(clip.getString("type"))
                ? GradientClipper.byValue(value)
                : GradientClipper.byNorm(value);
    }

    /**
     * Builds the hooks: the iteration timer, the extensions of {@code kiln.hooks} in order, and
     * the periodic writer over {@link #buildWriters()}.
     *
     * @return the hooks in the order they run
     */
    protected List<Hook> buildHooks() {
        List<Hook> hooks = new ArrayList<>();
        hooks.add(new IterationTimer());
        for (String name : config.hooks()) {
            hooks.add(create(ExtensionPoints.HOOK, name));
        }
        hooks.add(new PeriodicWriter(buildWriters(), config.writerPeriod(), config.resume()));
        return hooks;
    }

    /** @return the writers of {@code kiln.writers}, in order */
    protected List<EventWriter> buildWriters() {
        List<EventWriter> writers = new ArrayList<>();
        for (String name : config.writers()) {
            writers.add(create(ExtensionPoints.WRITER, name));
        }
        return writers;
    }

    /**
     * Creates an extension by name with Guice.
     *
     * @param point its kind
     * @param name its name
     * @param <T> its interface
     * @return a new instance
     */
    protected <T> T create(ExtensionPoint<T> point, String name) {
        return factory.create(registry.require(point, name), point.type());
    }

    private Shape batchShape(Shape example) {
        long[] dims = new long[example.dimension() + 1];
        dims[0] = config.batchSize();
        System.arraycopy(example.getShape(), 0, dims, 1, example.dimension());
        return new Shape(dims);
    }

    private void requireSetUp() {
        if (trainer == null) {
            throw new IllegalStateException("call setUp() first");
        }
    }

    /** @return the config */
    public KilnConfig config() {
        return config;
    }

    /** @return the extensions found on the class path and in plugins */
    public ExtensionRegistry registry() {
        return registry;
    }

    /** @return what creates extensions with Guice; after {@link #setUp()} */
    ExtensionFactory extensionFactory() {
        return factory;
    }

    /** @return the run directory, {@code kiln.output-dir} */
    public Path outputDir() {
        return config.outputDir();
    }

    /** @return the engine; after {@link #setUp()} */
    public Engine engine() {
        requireSetUp();
        return engine;
    }

    /** @return the device; after {@link #setUp()} */
    public Device device() {
        return device;
    }

    /**
     * @return the devices of {@code kiln.devices}, or {@code kiln.device} alone; the first holds
     *     the model; after {@link #setUp()}
     */
    public List<Device> devices() {
        return devices;
    }

    /** @return the manager that owns the model's parameters; after {@link #setUp()} */
    public NDManager manager() {
        return manager;
    }

    /** @return the seeds of this run; after {@link #setUp()} */
    public Seeds seeds() {
        return seeds;
    }

    /** @return the model; after {@link #setUp()} */
    public Block model() {
        return model;
    }

    /**
     * @return the table of the model's parameters and their totals, logged by {@link #setUp()};
     *     after {@link #setUp()}
     */
    public ModelSummary modelSummary() {
        return modelSummary;
    }

    /** @return the optimizer; after {@link #setUp()} */
    public StatefulOptimizer optimizer() {
        return optimizer;
    }

    /** @return the training data; after {@link #setUp()} */
    public LoadedData trainData() {
        return trainData;
    }

    /**
     * How one raw input becomes an example as the test examples were read: the description of the
     * test section's dataset when the config has one, else the training dataset's (whose held-out
     * rows are the test examples); after {@link #setUp()}.
     *
     * @return the description, empty when the dataset gives none
     */
    public Optional<PredictionInput> predictionInput() {
        return config.testData().isPresent() ? testInput : trainData.input();
    }

    /**
     * The hook that loads checkpoints, as {@code --resume} uses it; after {@link #setUp()}.
     *
     * @return the hook
     * @throws IllegalStateException when no installed plugin loads checkpoints
     */
    public Resumer checkpointLoader() {
        requireSetUp();
        if (resumer == null) {
            resumer = findResumer();
        }
        if (resumer == null) {
            throw new IllegalStateException(
                    "no installed plugin loads checkpoints; " + ConfigValidator.PLUGIN_HINT);
        }
        return resumer;
    }

    /** @return the test data, if any; after {@link #setUp()} */
    public Optional<RandomAccessDataset> testData() {
        return testData;
    }

    /** @return the loss the trainer minimizes, from {@link #buildLoss()}; after {@link #setUp()} */
    public LossFunction loss() {
        return loss;
    }

    /** @return the trainer running the loop; after {@link #setUp()} */
    public SimpleTrainer trainer() {
        requireSetUp();
        return trainer;
    }

    /** Stops the prefetch thread and frees the optimizer's and the model's arrays. */
    @Override
    public void close() {
        if (batches != null) {
            batches.close();
        }
        if (optimizer != null) {
            optimizer.close();
        }
        replicaManagers.forEach(NDManager::close);
        if (manager != null) {
            manager.close();
        }
    }
}
