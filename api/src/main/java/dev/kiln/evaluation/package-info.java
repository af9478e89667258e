/**
 * The evaluator extension point and what runs it: {@link dev.kiln.evaluation.Evaluator}, {@link
 * dev.kiln.evaluation.EvaluatorProvider}, {@link dev.kiln.evaluation.CombinedEvaluator}, {@link
 * dev.kiln.evaluation.Inference} (a model over a dataset, usable alone) and {@link
 * dev.kiln.evaluation.ResultsTable}. The built-in evaluators and the evaluation hook live in the
 * {@code kiln-hooks-eval} plugin.
 */
package dev.kiln.evaluation;
