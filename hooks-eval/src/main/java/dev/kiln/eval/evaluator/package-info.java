/**
 * The built-in evaluators, each with the provider that makes it selectable by name: {@code
 * accuracy}, {@code per-class}, {@code loss} and {@code regression}.
 */
package dev.kiln.eval.evaluator;
