import type ndarray from 'ndarray';

/** Typed arrays the ndarrays of this package are built over. */
type Samples = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/**
 * An ndarray of shape `[frames, channels]` (C order) over the memory of
 * `bytes`, without copying.
 *
 * @param bytes - Interleaved samples, aligned to the sample size.
 * @param frames - Number of frames.
 * @param channels - Number of channels.
 * @param dtype - Sample format (`'float32'`, `'float64'`, `'int32'`, `'int16'`, `'int8'`, `'uint8'`).
 */
export function blockView(bytes: Uint8Array, frames: number, channels: number, dtype: string): ndarray.NdArray<Samples>;

/** What the processor worker knows about the stream. */
export interface AdapterInfo {
  inputChannels?: number;
  outputChannels?: number;
  inputDType?: string;
  outputDType?: string;
}

/**
 * Processor adapter: the input block as an ndarray.
 *
 * @param bytes - The block's bytes.
 * @param frames - Frames in the block.
 * @param info - Channels and dtypes of the stream.
 */
export function wrapInput(bytes: Uint8Array, frames: number, info: AdapterInfo): ndarray.NdArray<Samples>;

/**
 * Processor adapter: the output block as an ndarray.
 *
 * @param bytes - The block's bytes.
 * @param frames - Frames in the block.
 * @param info - Channels and dtypes of the stream.
 */
export function wrapOutput(bytes: Uint8Array, frames: number, info: AdapterInfo): ndarray.NdArray<Samples>;
