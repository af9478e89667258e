/**
 * Optimizers whose complete state can be saved and restored exactly.
 *
 * <p>DJL's own optimizers keep their momentum and moment buffers in private fields and count
 * updates per parameter id, so a run cannot be resumed bit for bit. The optimizers here are
 * written with plain DJL {@link ai.djl.ndarray.NDArray} operations, key their state by parameter
 * name (stable across fresh blocks of the same structure), expose that state through {@link
 * dev.kiln.optim.StatefulOptimizer#stateDict} / {@link dev.kiln.optim.StatefulOptimizer#loadStateDict},
 * and take their learning rate from outside (the trainer sets it every iteration).
 */
package dev.kiln.optim;
