package dev.kiln.cli;

import com.google.inject.Guice;
import com.typesafe.config.Config;
import dev.kiln.collective.Collective;
import dev.kiln.collective.CollectiveException;
import dev.kiln.collective.CollectiveProvider;
import dev.kiln.collective.CoordinatorUnreachableException;
import dev.kiln.core.config.ConfigValidator;
import dev.kiln.core.config.KilnConfig;
import dev.kiln.core.model.ModelSummary;
import dev.kiln.core.plugin.ExtensionFactory;
import dev.kiln.core.plugin.ExtensionInfo;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.evaluation.EvaluationHook;
import dev.kiln.evaluation.ExpectedResultsException;
import dev.kiln.spi.ExtensionPoints;
import dev.kiln.train.Hook;
import dev.kiln.train.NonFiniteLossException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln train}: validates everything, builds the trainer (reading the data), and only then
 * creates the run directory with {@code config.conf}, {@code model_summary.txt} and {@code
 * log.txt}, and trains. With {@code
 * --resume} it takes the existing run directory, rewrites {@code config.conf}, appends to {@code
 * log.txt} and continues from the last checkpoint. SIGTERM or SIGINT stops after the current step
 * (see {@link StopSignals}). With {@code --eval-only} it builds everything, restores the
 * parameters ({@code --resume} or {@code kiln.weights}), evaluates once with the evaluation hooks
 * and prints the results, without training and without writing to the run directory. Results that
 * miss {@code kiln.eval.expected-results} exit with 1. With {@code --smoke} it trains a few
 * iterations and evaluates once, in a temporary run directory deleted afterwards, and says what it
 * ran.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train as the config says.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            ExitCodes.DONE,
            ExitCodes.TRAINING_FAILED,
            ExitCodes.BAD_INPUT,
            ExitCodes.SIGINT,
            ExitCodes.SIGTERM
        })
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Mixin RunOptions options = new RunOptions();

    @Option(
            names = "--resume",
            description =
                    "continue the run in the output directory from its last checkpoint"
                            + " (kiln.resume=true); without one, start there from iteration 0")
    boolean resume;

    @Option(
            names = "--eval-only",
            description =
                    "evaluate the model once with the eval hook (kiln.hooks += eval), print the"
                            + " results and exit; no training, nothing written")
    boolean evalOnly;

    @Option(
            names = "--smoke",
            description =
                    "check that the config runs: train "
                            + SMOKE_ITERATIONS
                            + " iterations (or max-iter if smaller) and evaluate once after them"
                            + " as the hooks do, in a temporary directory deleted afterwards;"
                            + " expected results are not checked")
    boolean smoke;

    @Option(
            names = "--nproc",
            paramLabel = "N",
            description =
                    "train with N worker processes on this host, each on its share of every"
                            + " batch, their gradients summed by the collective (see"
                            + " docs/scaling.md); rank 0 writes the run directory")
    Integer nproc;

    @Option(names = "--rank", hidden = true, description = "this worker's rank (set by --nproc)")
    Integer rank;

    @Option(
            names = "--world-size",
            hidden = true,
            description = "the number of workers (set by --nproc)")
    Integer worldSize;

    @Spec CommandSpec spec;

    /** The iterations {@code --smoke} trains, unless {@code max-iter} is smaller. */
    static final int SMOKE_ITERATIONS = 5;

    private long trainedIterations;
    private List<String> evaluationHooks = List.of();

    @Override
    public Integer call() {
        options.requireConfigFile();
        if (smoke) {
            if (resume || evalOnly) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "--smoke trains a fresh run of its own; it cannot be combined with "
                                + (resume ? "--resume" : "--eval-only"),
                        null);
            }
            return smoke();
        }
        if (resume) {
            options.overrides.add("kiln.resume=true");
        }
        if (nproc != null && rank == null) {
            if (nproc < 1) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT, "--nproc must be at least 1, got " + nproc, null);
            }
            if (evalOnly) {
                throw new CliFailure(
                        CliFailure.BAD_INPUT,
                        "--nproc trains; it cannot be combined with --eval-only",
                        null);
            }
            if (nproc > 1) {
                return launch(nproc);
            }
        }
        return train();
    }

    /**
     * {@code --nproc N}: checks the run as {@code train} does and starts the collective's
     * coordinator (see {@link DistributedLaunch}), then N workers on this host, and waits for them;
     * SIGTERM and SIGINT are passed on, so that the workers stop together after an agreed step and
     * rank 0 saves a checkpoint.
     */
    private int launch(int n) {
        return DistributedLaunch.run(options, "--nproc", n, workerArguments(), TrainCommand::local);
    }

    /** The {@link WorkerLauncher} of {@code --nproc}: N processes on this host. */
    private static int local(int n, List<String> args, Coordinators coordinators)
            throws IOException, InterruptedException {
        Workers workers = Workers.start(n, args, coordinators.start().coordinates());
        try (StopSignals signals = StopSignals.install(reason -> workers.stop())) {
            return workers.await();
        } finally {
            workers.cleanUp();
        }
    }

    /** The command line of {@code train} as given, without {@code --nproc}. */
    private List<String> workerArguments() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int start = original.indexOf("train") + 1;
        List<String> args = new ArrayList<>();
        for (int i = start; i < original.size(); i++) {
            String arg = original.get(i);
            if (arg.equals("--nproc")) {
                i++;
            } else if (!arg.startsWith("--nproc=")) {
                args.add(arg);
            }
        }
        return args;
    }

    /** @return {@code kiln.distributed.timeout} */
    static Duration timeout(KilnConfig config) {
        return config.config().getDuration("kiln.distributed.timeout");
    }

    /**
     * The collective {@code kiln.distributed.collective} names, or the one installed.
     *
     * @throws CliFailure (exit 2) when none is installed, or several and none is named
     */
    static CollectiveProvider collective(KilnRun run) {
        Config kiln = run.config().config();
        List<ExtensionInfo> installed = run.registry().all(ExtensionPoints.COLLECTIVE);
        ExtensionInfo chosen;
        if (!kiln.getIsNull("kiln.distributed.collective")) {
            chosen =
                    run.registry()
                            .require(
                                    ExtensionPoints.COLLECTIVE,
                                    kiln.getString("kiln.distributed.collective"));
        } else if (installed.size() == 1) {
            chosen = installed.get(0);
        } else {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    installed.isEmpty()
                            ? "--nproc needs a collective extension, and none is installed (the"
                                    + " distribution ships one in plugins/); "
                                    + ConfigValidator.PLUGIN_HINT
                            : "several collectives are installed ("
                                    + installed.stream().map(ExtensionInfo::name).toList()
                                    + "); choose one with kiln.distributed.collective",
                    null);
        }
        return new ExtensionFactory(Guice.createInjector(), kiln)
                .create(chosen, CollectiveProvider.class);
    }

    /**
     * Joins the collective as the rank the launcher gave this worker.
     *
     * @throws CliFailure exit 2 when this worker has no coordinates or its coordinator cannot be
     *     reached (the coordinates are wrong, or the launcher is gone); exit 1 when joining failed
     *     otherwise, such as a group that did not form within {@code kiln.distributed.timeout}
     */
    private Collective join(KilnRun run) {
        Map<String, String> coordinates = new TreeMap<>();
        System.getenv()
                .forEach(
                        (key, value) -> {
                            if (key.startsWith(WorkerLauncher.COORDINATE_PREFIX)) {
                                coordinates.put(
                                        key.substring(WorkerLauncher.COORDINATE_PREFIX.length()),
                                        value);
                            }
                        });
        if (coordinates.isEmpty()) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    "--rank "
                            + rank
                            + " --world-size "
                            + worldSize
                            + ": this worker has no coordinates of the collective (environment"
                            + " variables "
                            + WorkerLauncher.COORDINATE_PREFIX
                            + "*); kiln train --nproc N starts the workers with them",
                    null);
        }
        try {
            return collective(run).join(coordinates, rank, worldSize, timeout(run.config()));
        } catch (CoordinatorUnreachableException e) {
            StringBuilder given = new StringBuilder();
            coordinates.forEach(
                    (key, value) ->
                            given.append(given.length() == 0 ? "" : ", ")
                                    .append(WorkerLauncher.COORDINATE_PREFIX)
                                    .append(key)
                                    .append('=')
                                    .append(value));
            throw new CliFailure(
                    CliFailure.BAD_INPUT,
                    e.getMessage()
                            + " (this worker's coordinates, from its environment: "
                            + given
                            + ")",
                    e);
        } catch (CollectiveException e) {
            throw new CliFailure(
                    CliFailure.TRAINING_FAILED, e.getMessage() + timeoutNote(run.config()), e);
        }
    }

    /** @return what to append to a collective's failure: the key of its timeout, and its value */
    private static String timeoutNote(KilnConfig config) {
        long ms = timeout(config).toMillis();
        return "; the collective's timeout is kiln.distributed.timeout = "
                + (ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms");
    }

    /**
     * {@code --smoke}: the config as given, but for {@link #SMOKE_ITERATIONS} iterations (or
     * {@code max-iter} if smaller; with {@code max-epochs}, {@link #SMOKE_ITERATIONS}), without
     * expected results, in a temporary run directory that is deleted afterwards, whatever the
     * outcome.
     */
    private int smoke() {
        int iterations;
        boolean expectations;
        try (KilnRun run = options.load()) {
            KilnConfig config = run.config();
            iterations =
                    config.maxEpochs().isPresent()
                            ? SMOKE_ITERATIONS
                            : Math.min(SMOKE_ITERATIONS, config.maxIter());
            expectations = config.config().hasPath("kiln.eval.expected-results");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("kiln-smoke-");
        } catch (IOException e) {
            throw new CliFailure(
                    CliFailure.BAD_INPUT, "--smoke cannot create a temporary directory: " + e, e);
        }
        options.outputDir = dir.toString();
        options.overrides.add("kiln.solver.max-iter=" + iterations);
        options.overrides.add("kiln.solver.max-epochs=null");
        if (expectations) {
            options.overrides.add("kiln.eval.expected-results=[]");
        }
        try {
            int exitCode = train();
            if (exitCode == 0) {
                LOG.info(
                        "Smoke test passed: trained {} iterations, {}; {} is deleted",
                        trainedIterations,
                        evaluationHooks.isEmpty()
                                ? "no evaluation (no hook of kiln.hooks evaluates)"
                                : "evaluated once after them with "
                                        + String.join(", ", evaluationHooks),
                        dir);
            }
            return exitCode;
        } finally {
            RunDirectory.deleteQuietly(dir);
        }
    }

    private int train() {
        boolean distributed = worldSize != null && worldSize > 1;
        boolean writes = !distributed || rank == 0;
        if (!writes) {
            options.overrides.add("kiln.writers=[]"); // rank 0 writes the metrics and the log
        }
        int exitCode = 0;
        Collective collective;
        try (KilnRun run = options.load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            if (evalOnly) {
                return evaluate(trainer);
            }
            boolean resuming = run.config().resume();
            Path outputDir = run.config().outputDir();
            if (writes && resuming) {
                RunDirectory.requireResumable(outputDir);
            } else if (writes) {
                RunDirectory.requireUnused(outputDir);
            }
            collective = distributed ? join(run) : null;
            if (collective != null) {
                trainer.setCollective(collective);
                trainer.setLocalRank(Workers.localRank());
            }
            try {
                trainer.setUp();
            } catch (RuntimeException e) {
                throw CliFailure.badInput(e);
            }
            RunDirectory directory = null;
            if (writes) {
                directory =
                        resuming
                                ? RunDirectory.openForResume(outputDir)
                                : RunDirectory.create(outputDir);
                directory.writeConfig(trainer.config().render());
                directory.writeModelSummary(trainer.modelSummary().text());
                directory.startLog();
            }
            Path runPath = directory != null ? directory.path() : outputDir;
            LOG.info("Run directory: {}", runPath.toAbsolutePath());
            LOG.info(
                    "Model: {} parameters ({} trainable), listed in {}",
                    trainer.modelSummary().parameters(),
                    trainer.modelSummary().trainableParameters(),
                    ModelSummary.FILE_NAME);
            try (StopSignals signals =
                    StopSignals.install(
                            reason -> {
                                if (distributed) {
                                    trainer.trainer().proposeStop(reason);
                                } else {
                                    trainer.trainer().requestStop(reason);
                                }
                            })) {
                try {
                    trainer.train();
                } catch (ExpectedResultsException e) {
                    throw new CliFailure(CliFailure.TRAINING_FAILED, e.getMessage(), e);
                } catch (RuntimeException e) {
                    if (CliFailure.settingsCause(e).isPresent()) {
                        throw CliFailure.badInput(e);
                    }
                    String at =
                            e instanceof NonFiniteLossException
                                    ? ""
                                    : " at iteration "
                                            + trainer.trainer().iter()
                                            + trainer.trainer()
                                                    .failedHook()
                                                    .map(hook -> " in " + hook)
                                                    .orElse("");
                    throw new CliFailure(
                            CliFailure.TRAINING_FAILED,
                            "training failed"
                                    + at
                                    + ": "
                                    + describe(e)
                                    + (CliFailure.cause(e, CollectiveException.class).isPresent()
                                            ? timeoutNote(run.config())
                                            : ""),
                            e);
                }
                exitCode = signals.exitCode();
            }
            trainedIterations = trainer.trainer().iter();
            evaluationHooks = new ArrayList<>();
            for (Hook hook : trainer.trainer().hooks()) {
                if (hook instanceof EvaluationHook) {
                    evaluationHooks.add(hook.getClass().getSimpleName());
                }
            }
            if (exitCode != 0) {
                LOG.warn(
                        "Stopped by a signal at iteration {}: {}",
                        trainer.trainer().iter(),
                        runPath.toAbsolutePath());
            } else {
                LOG.info("Done: {}", runPath.toAbsolutePath());
            }
            if (collective != null) {
                // only after success: after a failure the others may be gone, and leaving the
                // group could wait for them; the process ends anyway
                collective.close();
            }
        }
        return exitCode;
    }

    private static int evaluate(DefaultTrainer trainer) {
        try {
            trainer.setUp();
        } catch (RuntimeException e) {
            throw CliFailure.badInput(e);
        }
        try {
            trainer.evaluate();
        } catch (ExpectedResultsException e) {
            throw new CliFailure(CliFailure.TRAINING_FAILED, e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, "--eval-only: " + describe(e), e);
        } catch (RuntimeException e) {
            if (CliFailure.settingsCause(e).isPresent()) {
                throw CliFailure.badInput(e);
            }
            throw new CliFailure(
                    CliFailure.TRAINING_FAILED, "evaluation failed: " + describe(e), e);
        }
        return 0;
    }

    private static String describe(RuntimeException e) {
        return CliFailure.describe(e);
    }
}
