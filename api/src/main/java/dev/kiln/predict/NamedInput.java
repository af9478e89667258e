package dev.kiln.predict;

/**
 * One input to predict, as an {@link InputReader} found it in an argument.
 *
 * @param name what the input is called in the output: a file, {@code file:line} for a row of a
 *     file, or the argument itself
 * @param text what {@link InputReader#read} reads: a row's cells, or an image file's path
 */
public record NamedInput(String name, String text) {}
