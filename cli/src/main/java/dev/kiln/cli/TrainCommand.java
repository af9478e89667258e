package dev.kiln.cli;

import dev.kiln.core.model.ModelSummary;
import dev.kiln.core.run.DefaultTrainer;
import dev.kiln.core.run.KilnRun;
import dev.kiln.evaluation.ExpectedResultsException;
import java.nio.file.Path;
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
 * miss {@code kiln.eval.expected-results} exit with 1.
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

    @Override
    public Integer call() {
        options.requireConfigFile();
        if (resume) {
            options.overrides.add("kiln.resume=true");
        }
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
