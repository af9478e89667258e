/**
 * Images on the host and the transforms applied to them before batching: {@link
 * dev.kiln.data.image.HostImage}, {@link dev.kiln.data.image.ImageTransform} and the extension
 * point {@link dev.kiln.data.image.TransformProvider} through which a plugin adds a transform by
 * name ({@code kiln.data.train.transforms = [{ type = my-transform, ... }]}).
 */
package dev.kiln.data.image;
