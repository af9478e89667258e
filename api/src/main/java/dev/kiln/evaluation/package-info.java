/**
 * The evaluator extension point and what runs it: {@link dev.kiln.evaluation.Evaluator}, {@link
 * dev.kiln.evaluation.EvaluatorProvider}, {@link dev.kiln.evaluation.CombinedEvaluator}, {@link
 * dev.kiln.evaluation.Inference} (a model over a dataset, usable alone) and {@link
 * dev.kiln.evaluation.ResultsTable}. The evaluators themselves, and a hook running them, come from
 * plugins.
 */
package dev.kiln.evaluation;
