/**
 * The {@code kiln-hooks-eval} plugin's hooks: {@link dev.kiln.eval.EvalHook} ({@code eval}),
 * {@link dev.kiln.eval.EarlyStopping} ({@code early-stopping}) and the expected results they
 * check ({@link dev.kiln.eval.ExpectedResult}).
 */
package dev.kiln.eval;
