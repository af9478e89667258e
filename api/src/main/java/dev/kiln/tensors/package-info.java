/**
 * Tensors on the host and in files: {@link dev.kiln.tensors.TensorData} (a tensor's type, shape and
 * little-endian bytes, independent of any engine) and {@link dev.kiln.tensors.SafeTensors}, the
 * reader and writer of the safetensors format that checkpoints and exports use and Python reads.
 */
package dev.kiln.tensors;
