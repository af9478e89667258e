/**
 * Prediction with a trained model: how a dataset describes the reading of one raw input ({@link
 * dev.kiln.predict.PredictionInput}), and the readers that turn raw inputs into examples at
 * prediction time ({@link dev.kiln.predict.InputReaderProvider}).
 */
package dev.kiln.predict;
