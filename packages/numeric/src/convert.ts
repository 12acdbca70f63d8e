/**
 * Conversion of described audio data into one interleaved typed array of the
 * stream's format: copies non-contiguous data, converts float64 to float32
 * where allowed, range-checks plain numbers, and refuses everything else
 * rather than misreading it.
 */
import { describe } from '@sounddevice/core';
import { INTEGER_RANGES, type SampleArray, type SampleDType, allocSamples } from './dtypes.js';
import type { FrameSource } from './input-forms.js';
import type { Strided } from './strided.js';

/** Options of {@link toInterleaved}. */
export interface ConvertOptions {
  /** Parameter name for messages. */
  param: string;
  /** The format wanted. */
  dtype: SampleDType;
  /** Accept float64 samples for float32 (`play`/`playrec`); default false. */
  float64ToFloat32?: boolean;
  /** Always return a new array, never the caller's memory; default false. */
  copy?: boolean;
}

function _checkPlain(src: FrameSource, dtype: SampleDType, param: string, i: number, c: number, v: unknown): number {
  if (typeof v !== 'number') {
    throw new TypeError(`${param}${src.where(i, c)} must be a number, got ${describe(v)}`);
  }
  const range = INTEGER_RANGES[dtype];
  if (range !== undefined && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
    throw new RangeError(
      `${param}${src.where(i, c)} must be an integer from ${range[0]} to ${range[1]} for dtype '${dtype}', got ${describe(v)}`,
    );
  }
  return v;
}

/**
 * The samples of `src` as one interleaved typed array of `options.dtype`.
 * Returns the caller's own memory when it already is exactly that (unless
 * `copy`), else a new array.
 *
 * @param src - Data described by `describeInput`.
 * @param options - See {@link ConvertOptions}.
 * @throws TypeError when the data's format is not the one wanted (typed
 *   arrays are never reinterpreted) or a plain item is not a number;
 *   RangeError when a plain number does not fit an integer format.
 */
export function toInterleaved(src: FrameSource, options: ConvertOptions): SampleArray {
  const { param, dtype } = options;
  const widen = options.float64ToFloat32 === true && src.dtype === 'float64' && dtype === 'float32';
  if (!src.plain && src.dtype !== dtype && !widen) {
    throw new TypeError(
      `${param} holds ${src.dtype} samples but ${dtype} samples are needed; convert it first ` +
        `(e.g. ${dtype === 'float32' ? 'Float32Array.from(samples)' : `a ${dtype} array`}) or open the stream with dtype '${src.dtype}'`,
    );
  }
  if (src.interleaved !== undefined && src.dtype === dtype && options.copy !== true) return src.interleaved;
  const { frames, channels } = src;
  const out = allocSamples(dtype, frames * channels);
  if (src.interleaved !== undefined) {
    out.set(src.interleaved);
    return out;
  }
  let k = 0;
  if (src.plain) {
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < channels; c++) out[k++] = _checkPlain(src, dtype, param, i, c, src.at(i, c));
    }
  } else {
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < channels; c++) out[k++] = src.at(i, c) as number;
    }
  }
  return out;
}

/**
 * Copies interleaved samples into a strided target (non-contiguous arrays,
 * float64 arrays recorded as float32).
 *
 * @param samples - `target.frames * target.channels` interleaved samples.
 * @param target - Where they go.
 * @param frames - How many frames to copy (default all).
 */
export function scatter(samples: SampleArray, target: Strided<SampleArray>, frames = target.frames): void {
  const { data, channels, offset, s0, s1 } = target;
  let k = 0;
  for (let i = 0; i < frames; i++) {
    const row = offset + i * s0;
    for (let c = 0; c < channels; c++) data[row + c * s1] = samples[k++]!;
  }
}
