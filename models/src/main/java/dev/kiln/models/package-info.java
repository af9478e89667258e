/**
 * The {@code kiln-models} plugin's image models: {@link dev.kiln.models.CnnProvider} ({@code
 * cnn}, a {@link dev.kiln.models.Cnn}) and {@link dev.kiln.models.ResNetProvider} ({@code resnet},
 * a {@link dev.kiln.models.ResNet}), both for examples shaped (channels, height, width).
 */
package dev.kiln.models;
