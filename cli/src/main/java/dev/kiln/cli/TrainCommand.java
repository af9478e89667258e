package dev.kiln.cli;

import dev.kiln.evaluation.ExpectedResultsException;
import dev.kiln.run.DefaultTrainer;
import dev.kiln.run.KilnRun;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code kiln train}: validates everything, builds the trainer (reading the data), and only then
 * creates the run directory with {@code config.conf} and {@code log.txt}, and trains. With {@code
 * --eval-only} it builds everything, evaluates once with the evaluation hooks and prints the
 * results, without training and without touching the run directory. Results that miss {@code
 * kiln.eval.expected-results} exit with 1.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train as the config says.")
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Mixin RunOptions options = new RunOptions();

    @Option(
            names = "--eval-only",
            description =
                    "evaluate the model once with the eval hook (kiln.hooks += eval), print the"
                            + " results and exit; no training, nothing written")
    boolean evalOnly;

    @Override
    public Integer call() {
        try (KilnRun run = options.load();
                DefaultTrainer trainer = new DefaultTrainer(run.config(), run.registry())) {
            if (evalOnly) {
                return evaluate(trainer);
            }
            RunDirectory.requireUnused(run.config().outputDir());
            try {
                trainer.setUp();
            } catch (RuntimeException e) {
                throw new CliFailure(CliFailure.BAD_INPUT, describe(e), e);
            }
            RunDirectory directory = RunDirectory.create(run.config().outputDir());
            directory.writeConfig(run.config().render());
            directory.startLog();
            LOG.info("Run directory: {}", directory.path().toAbsolutePath());
            try {
                trainer.train();
            } catch (ExpectedResultsException e) {
                throw new CliFailure(CliFailure.TRAINING_FAILED, e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new CliFailure(CliFailure.TRAINING_FAILED, "training failed: " + describe(e), e);
            }
            LOG.info("Done: {}", directory.path().toAbsolutePath());
        }
        return 0;
    }

    private static int evaluate(DefaultTrainer trainer) {
        try {
            trainer.setUp();
        } catch (RuntimeException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, describe(e), e);
        }
        try {
            trainer.evaluate();
        } catch (ExpectedResultsException e) {
            throw new CliFailure(CliFailure.TRAINING_FAILED, e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new CliFailure(CliFailure.BAD_INPUT, "--eval-only: " + describe(e), e);
        } catch (RuntimeException e) {
            throw new CliFailure(CliFailure.TRAINING_FAILED, "evaluation failed: " + describe(e), e);
        }
        return 0;
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
