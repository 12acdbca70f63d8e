// Builds the ndarray views of audio blocks. Plain ESM shipped as is: the main
// thread imports `blockView` (bundled), and a `processor` stream's worker
// imports this file by URL and calls `wrapInput`/`wrapOutput` for each new
// block size, so processor modules get the same ndarrays as callbacks.
import ndarray from 'ndarray';

const CONSTRUCTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
};

/**
 * An ndarray of shape [frames, channels] (C order) over the memory of `bytes`
 * (no copy). `bytes` must be aligned to the sample size.
 */
export function blockView(bytes, frames, channels, dtype) {
  const Ctor = CONSTRUCTORS[dtype];
  if (Ctor === undefined) {
    throw new TypeError(`dtype ${String(dtype)} has no typed array; use the Raw stream classes for it`);
  }
  return ndarray(new Ctor(bytes.buffer, bytes.byteOffset, frames * channels), [frames, channels]);
}

/** Processor adapter: the input block as an ndarray. */
export function wrapInput(bytes, frames, info) {
  return blockView(bytes, frames, info.inputChannels, info.inputDType);
}

/** Processor adapter: the output block as an ndarray (write into it). */
export function wrapOutput(bytes, frames, info) {
  return blockView(bytes, frames, info.outputChannels, info.outputDType);
}
