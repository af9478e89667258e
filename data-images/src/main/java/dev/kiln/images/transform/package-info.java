/**
 * The image transforms of {@code kiln-data-images}, one {@link
 * dev.kiln.data.image.TransformProvider} each ({@code resize}, {@code center-crop}, {@code
 * random-crop}, {@code random-resized-crop}, {@code random-flip}, {@code normalize}), and {@link
 * dev.kiln.images.transform.TransformList}, which builds a dataset's {@code transforms} list and
 * applies it with one generator per example.
 */
package dev.kiln.images.transform;
