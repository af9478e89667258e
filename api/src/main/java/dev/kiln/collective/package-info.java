/**
 * Collectives: several worker processes (or Spark tasks) that train one model together sum their
 * gradients with an all-reduce after every backward pass. A {@link
 * dev.kiln.collective.CollectiveProvider} (extension kind {@code collective}) wraps an existing
 * collective library: the launching process starts its {@link dev.kiln.collective.Coordinator},
 * passes the coordinates on to every worker, and each worker joins as one rank and gets a {@link
 * dev.kiln.collective.Collective}. Every failure, including a peer that died or stopped
 * responding, surfaces as a {@link dev.kiln.collective.CollectiveException} naming the rank, the
 * operation and what happened, within the timeout given at join.
 */
package dev.kiln.collective;
