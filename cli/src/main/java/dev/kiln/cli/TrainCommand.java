package dev.kiln.cli;

import dev.kiln.core.config.KilnConfig;
import dev.kiln.core.model.ModelSummary;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.evaluation.EvaluationHook;
import dev.kiln.evaluation.ExpectedResultsException;
import dev.kiln.train.Hook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
        return train();
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
        int exitCode = 0;
        try (KilnRun run = options.load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            if (evalOnly) {
                return evaluate(trainer);
            }
            boolean resuming = run.config().resume();
            Path outputDir = run.config().outputDir();
            if (resuming) {
                RunDirectory.requireResumable(outputDir);
            } else {
                RunDirectory.requireUnused(outputDir);
            }
            try {
                trainer.setUp();
            } catch (RuntimeException e) {
                throw CliFailure.badInput(e);
            }
            RunDirectory directory =
                    resuming
                            ? RunDirectory.openForResume(outputDir)
                            : RunDirectory.create(outputDir);
            directory.writeConfig(trainer.config().render());
            directory.writeModelSummary(trainer.modelSummary().text());
            directory.startLog();
            LOG.info("Run directory: {}", directory.path().toAbsolutePath());
            LOG.info(
                    "Model: {} parameters ({} trainable), listed in {}",
                    trainer.modelSummary().parameters(),
                    trainer.modelSummary().trainableParameters(),
                    ModelSummary.FILE_NAME);
            try (StopSignals signals =
                    StopSignals.install(reason -> trainer.trainer().requestStop(reason))) {
                try {
                    trainer.train();
                } catch (ExpectedResultsException e) {
                    throw new CliFailure(CliFailure.TRAINING_FAILED, e.getMessage(), e);
                } catch (RuntimeException e) {
                    if (CliFailure.settingsCause(e).isPresent()) {
                        throw CliFailure.badInput(e);
                    }
                    throw new CliFailure(
                            CliFailure.TRAINING_FAILED, "training failed: " + describe(e), e);
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
                        directory.path().toAbsolutePath());
            } else {
                LOG.info("Done: {}", directory.path().toAbsolutePath());
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
