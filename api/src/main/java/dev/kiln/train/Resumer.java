package dev.kiln.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A hook that can put a run back where it stood: the checkpointing hook of a plugin implements it,
 * so that the trainer can resume without depending on that plugin. {@code DefaultTrainer} calls it
 * after everything is built and before training starts.
 */
public interface Resumer {

    /**
     * Restores the newest usable checkpoint of the run: the model's parameters, the optimizer's
     * state and, through {@link TrainerBase#loadState}, the hooks' state and the data position.
     *
     * @param trainer the trainer about to train, with its hooks registered
     * @return the iteration to start at; 0 when there was nothing to resume from (the resumer says
     *     so in the log)
     */
    long resume(TrainerBase trainer);

    /**
     * Loads only the model's parameters, for fine-tuning: the file's names are first rewritten by
     * {@link WeightsSource#rename}, then names missing from the file, names the model does not have
     * and names whose shapes differ are reported, and the parameters they concern keep their
     * initial values; with {@link WeightsSource#strict} any of them is an error instead.
     *
     * <p>The trainer passes {@code kiln.weights} as {@link WeightsSource#of(com.typesafe.config.Config)}
     * read it, without interpreting it further: the renaming, the strictness and how the file is
     * read are the resumer's.
     *
     * @param source the checkpoint or file of parameters, and how to match its names
     */
    void loadWeights(WeightsSource source);

    /**
     * Finds the checkpoint {@link #resume} would load, without loading it into the trainer and
     * without changing the run directory.
     *
     * @return the newest usable checkpoint of the run directory, if there is one
     */
    Optional<Path> newestCheckpoint();

    /**
     * Restores one checkpoint as {@link #resume} restores the newest: the model's parameters, the
     * optimizer's state and the hooks' state, all or nothing. Changes nothing in the run directory.
     *
     * @param trainer the trainer, with its hooks registered
     * @param checkpoint the checkpoint
     * @return the iteration the checkpoint was saved at
     * @throws RuntimeException naming the checkpoint and what is wrong when it is missing, damaged
     *     or does not fit the model
     */
    long restore(TrainerBase trainer, Path checkpoint);
}
