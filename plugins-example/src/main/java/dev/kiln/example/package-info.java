/**
 * An example third-party Kiln plugin, built as one jar ({@code kiln-plugins-example-<version>.jar})
 * to drop into a distribution's {@code plugins/} or pass with {@code --plugins}: the {@code hello}
 * hook of detectron2's tutorial, a {@code csv} metrics writer (with Commons CSV shaded into the
 * jar), a {@code residual-mlp} model and a {@code synthetic-blobs} dataset. Each extension carries
 * {@link dev.kiln.spi.KilnExtension}, is listed in {@code META-INF/services}, and has its
 * defaults in the jar's {@code reference.conf} under {@code kiln.<name>}.
 */
package dev.kiln.example;
